import { randomBytes } from 'node:crypto';

export class StreamManagementError extends Error {
  readonly type = 'StreamManagementError' as const;
  constructor(
    message: string,
    readonly status: number | null,
    /** 429 and 5xx may succeed later; 4xx will not. */
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

export interface TransmitterMetadata {
  issuer: string;
  jwks_uri?: string;
  delivery_methods_supported?: string[];
  configuration_endpoint?: string;
  status_endpoint?: string;
  add_subject_endpoint?: string;
  remove_subject_endpoint?: string;
  verification_endpoint?: string;
}

export interface StreamConfiguration {
  stream_id: string;
  iss: string;
  aud: string | string[];
  events_requested?: string[];
  events_delivered?: string[];
  delivery: { method: string; endpoint_url?: string; authorization_header?: string };
  [member: string]: unknown;
}

export const PUSH = 'urn:ietf:rfc:8935';
export const POLL = 'urn:ietf:rfc:8936';

/** SSF stream management (SSF 1.0 §8–9), called by the RP against the IdP's transmitter. */
export class SsfStreamClient {
  private metadata: TransmitterMetadata | null = null;

  constructor(
    readonly transmitter: string,
    private readonly bearerToken: string,
  ) {}

  /** `/.well-known/ssf-configuration` with the issuer's path appended; the returned issuer must match. */
  async discover(): Promise<TransmitterMetadata> {
    const issuer = new URL(this.transmitter);
    const path = issuer.pathname === '/' ? '' : issuer.pathname;
    const metadata = (await this.request(
      'GET',
      `${issuer.origin}/.well-known/ssf-configuration${path}`,
      undefined,
      false,
    )) as TransmitterMetadata;
    if (metadata.issuer !== this.transmitter) throw new StreamManagementError('transmitter metadata names another issuer', null, false);
    this.metadata = metadata;
    return metadata;
  }

  async createStream(request: {
    delivery?: StreamConfiguration['delivery'];
    events_requested?: string[];
    description?: string;
  }): Promise<StreamConfiguration> {
    return this.checked(await this.request('POST', await this.endpoint('configuration_endpoint'), request));
  }

  async readStreams(): Promise<StreamConfiguration[]> {
    const result = await this.request('GET', await this.endpoint('configuration_endpoint'));
    return (Array.isArray(result) ? result : [result]).map((s) => this.checked(s));
  }

  async readStream(streamId: string): Promise<StreamConfiguration> {
    return this.checked(
      await this.request('GET', `${await this.endpoint('configuration_endpoint')}?stream_id=${encodeURIComponent(streamId)}`),
    );
  }

  async updateStream(update: Partial<StreamConfiguration> & { stream_id: string }): Promise<StreamConfiguration> {
    return this.checked(await this.request('PATCH', await this.endpoint('configuration_endpoint'), update));
  }

  async getStatus(streamId: string): Promise<{ stream_id: string; status: string; reason?: string }> {
    return (await this.request('GET', `${await this.endpoint('status_endpoint')}?stream_id=${encodeURIComponent(streamId)}`)) as never;
  }

  async setStatus(streamId: string, status: 'enabled' | 'paused' | 'disabled', reason?: string): Promise<unknown> {
    return this.request('POST', await this.endpoint('status_endpoint'), { stream_id: streamId, status, ...(reason ? { reason } : {}) });
  }

  /** Asks for a verification event; returns the `state` it must echo. */
  async requestVerification(streamId: string): Promise<string> {
    const state = randomBytes(16).toString('base64url');
    await this.request('POST', await this.endpoint('verification_endpoint'), { stream_id: streamId, state });
    return state;
  }

  private checked(value: unknown): StreamConfiguration {
    const stream = value as StreamConfiguration;
    // SSF §9: the receiver checks that every management response names the discovered issuer.
    if (!stream || stream.iss !== this.transmitter)
      throw new StreamManagementError('stream configuration names another issuer', null, false);
    return stream;
  }

  private async endpoint(name: keyof TransmitterMetadata): Promise<string> {
    const metadata = this.metadata ?? (await this.discover());
    const url = metadata[name];
    if (typeof url !== 'string') throw new StreamManagementError(`transmitter has no ${name}`, null, false);
    return url;
  }

  private async request(method: string, url: string, body?: unknown, authorized = true): Promise<unknown> {
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(authorized ? { authorization: `Bearer ${this.bearerToken}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok)
      throw new StreamManagementError(
        `${method} ${new URL(url).pathname} answered ${response.status}`,
        response.status,
        response.status === 429 || response.status >= 500,
      );
    return text ? JSON.parse(text) : null;
  }
}
