import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

type Alg = 'RS256' | 'ES256';
interface SigningKey {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  jwk: JWK;
}

export interface SignOptions {
  typ?: string | null;
  alg?: Alg | 'none' | 'HS256';
  kid?: string;
  /** Sign with a key that is not in the published JWKS. */
  rogue?: boolean;
  /** Extra or replaced protected-header members, of any JSON type (hostile-header tests). */
  header?: Record<string, unknown>;
}

/**
 * An IdP for tests: real RS256 and ES256 keys generated in the test, a JWKS served over HTTP
 * on loopback (with a fetch counter and key rotation), and an SSF transmitter: configuration
 * metadata, stream management, a poll endpoint, and push delivery to a receiver.
 */
export class IdpSimulator {
  readonly jwksFetches: number[] = [];
  readonly streams = new Map<string, Record<string, unknown>>();
  readonly verificationRequests: Array<{ stream_id: string; state?: string }> = [];
  readonly pollRequests: Array<{ ack?: string[]; setErrs?: Record<string, unknown>; maxEvents?: number }> = [];
  readonly pollQueue = new Map<string, string>();
  /** Number of upcoming poll requests to fail with 500. */
  failPolls = 0;
  /** Receipts pushed back by the RP (SETs), and how many upcoming pushes to refuse with 500. */
  readonly receipts: string[] = [];
  failReceipts = 0;
  /** How the JWKS endpoint fails, while set: a 5xx answer, or no answer at all (a hung connection). */
  jwksOutage: 'status-503' | 'hang' | null = null;
  private keys: SigningKey[] = [];
  private rogue: SigningKey[] = [];
  private server!: Server;
  url = '';

  get issuer(): string {
    return this.url;
  }

  static async start(): Promise<IdpSimulator> {
    const idp = new IdpSimulator();
    idp.keys = [await idp.newKey('RS256'), await idp.newKey('ES256')];
    idp.rogue = [await idp.newKey('RS256'), await idp.newKey('ES256')];
    idp.server = createServer((req, res) => void idp.route(req, res));
    await new Promise<void>((resolve) => idp.server.listen(0, '127.0.0.1', resolve));
    idp.url = `http://127.0.0.1:${(idp.server.address() as AddressInfo).port}`;
    return idp;
  }

  get jwksUri(): string {
    return `${this.url}/jwks`;
  }

  /** Replaces every published key with new ones: the IdP's next messages use keys the receiver has not seen. */
  async rotate(): Promise<void> {
    this.keys = [await this.newKey('RS256'), await this.newKey('ES256')];
  }

  async sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    if (alg === 'none') {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ alg: 'none', typ: options.typ ?? 'JWT' })}.${encode(claims)}.`;
    }
    if (alg === 'HS256') {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: options.typ ?? 'JWT' })
        .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough!'));
    }
    const key = (options.rogue ? this.rogue : this.keys).find((k) => k.alg === alg) as SigningKey;
    const header: Record<string, unknown> = { alg, kid: options.kid ?? key.kid };
    if (options.typ !== null) header.typ = options.typ ?? 'JWT';
    Object.assign(header, options.header);
    return new SignJWT(claims).setProtectedHeader(header as never).sign(key.privateKey);
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  /**
   * A compact JWS over any header and any payload bytes, signed with the published ES256 key
   * (or a rogue one): for fuzzing, where headers and claims take types no JWT library would sign.
   */
  async signRaw(header: unknown, payload: string, options: { rogue?: boolean } = {}): Promise<string> {
    const key = (options.rogue ? this.rogue : this.keys).find((k) => k.alg === 'ES256') as SigningKey;
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(input));
    return `${input}.${Buffer.from(signature).toString('base64url')}`;
  }

  /** The published ES256 key: its `kid`, and its public JWK (what an HMAC-confusion attack would use as a secret). */
  get es256(): { kid: string; jwk: JWK } {
    const key = this.keys.find((k) => k.alg === 'ES256') as SigningKey;
    return { kid: key.kid, jwk: key.jwk };
  }

  /** A SET as SSF profiles it (no `sub`, no `exp`). */
  set(
    audience: string,
    subId: Record<string, unknown>,
    event: string,
    payload: Record<string, unknown> = {},
    extra: JWTPayload = {},
  ): JWTPayload {
    return { iss: this.issuer, aud: audience, iat: this.now(), jti: randomUUID(), sub_id: subId, events: { [event]: payload }, ...extra };
  }

  command(endpoint: string, clientId: string, tenant: string, command: string, extra: JWTPayload = {}): JWTPayload {
    const iat = this.now();
    return { iss: this.issuer, aud: endpoint, client_id: clientId, iat, exp: iat + 90, jti: randomUUID(), command, tenant, ...extra };
  }

  logout(clientId: string, claims: JWTPayload): JWTPayload {
    const iat = this.now();
    return {
      iss: this.issuer,
      aud: clientId,
      iat,
      exp: iat + 120,
      jti: randomUUID(),
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      ...claims,
    };
  }

  gtrCredential(endpoint: string, clientId: string, extra: JWTPayload = {}): JWTPayload {
    const iat = this.now();
    return { iss: this.issuer, sub: clientId, aud: endpoint, jti: randomUUID(), iat, nbf: iat - 300, exp: iat + 300, ...extra };
  }

  /** Queues a SET for the poll endpoint. */
  enqueue(jti: string, token: string): void {
    this.pollQueue.set(jti, token);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections(); // hung JWKS requests included
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async newKey(alg: Alg): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
    return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const json = (status: number, value?: unknown) => {
      res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
      res.end(value === undefined ? undefined : JSON.stringify(value));
    };
    if (url.pathname === '/jwks') {
      this.jwksFetches.push(Date.now());
      if (this.jwksOutage === 'hang') return; // never answered: the receiver's fetch times out
      if (this.jwksOutage === 'status-503') return json(503, { error: 'temporarily unavailable' });
      return json(200, { keys: this.keys.map((k) => k.jwk) });
    }
    if (url.pathname === '/receipts') {
      if (this.failReceipts > 0) {
        this.failReceipts -= 1;
        return json(500, { error: 'temporarily unavailable' });
      }
      if (req.headers['content-type'] !== 'application/secevent+jwt')
        return json(400, { err: 'invalid_request', description: 'wrong content type' });
      this.receipts.push(body);
      return json(202);
    }
    if (url.pathname === '/.well-known/ssf-configuration') {
      return json(200, {
        spec_version: '1_0',
        issuer: this.issuer,
        jwks_uri: this.jwksUri,
        delivery_methods_supported: ['urn:ietf:rfc:8935', 'urn:ietf:rfc:8936'],
        configuration_endpoint: `${this.url}/ssf/streams`,
        status_endpoint: `${this.url}/ssf/status`,
        verification_endpoint: `${this.url}/ssf/verify`,
        authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
      });
    }
    if (req.headers.authorization !== 'Bearer transmitter-management-token' && url.pathname.startsWith('/ssf/'))
      return json(401, { error: 'invalid_token' });
    if (url.pathname === '/ssf/streams') return this.streamsEndpoint(req.method ?? 'GET', url, body, json);
    if (url.pathname === '/ssf/status') {
      const stream = this.streams.get(
        url.searchParams.get('stream_id') ?? (JSON.parse(body || '{}') as { stream_id?: string }).stream_id ?? '',
      );
      if (!stream) return json(404);
      if (req.method === 'POST') stream.status = (JSON.parse(body) as { status: string }).status;
      return json(200, { stream_id: stream.stream_id, status: stream.status ?? 'enabled' });
    }
    if (url.pathname === '/ssf/verify') {
      this.verificationRequests.push(JSON.parse(body) as { stream_id: string; state?: string });
      return json(204);
    }
    if (url.pathname === '/ssf/poll') {
      if (this.failPolls > 0) {
        this.failPolls -= 1;
        return json(500, { error: 'temporarily unavailable' });
      }
      const request = JSON.parse(body || '{}') as { ack?: string[]; setErrs?: Record<string, unknown>; maxEvents?: number };
      this.pollRequests.push(request);
      for (const jti of [...(request.ack ?? []), ...Object.keys(request.setErrs ?? {})]) this.pollQueue.delete(jti);
      const sets = Object.fromEntries([...this.pollQueue].slice(0, request.maxEvents ?? 100));
      return json(200, { sets, moreAvailable: this.pollQueue.size > Object.keys(sets).length });
    }
    json(404);
  }

  private streamsEndpoint(method: string, url: URL, body: string, json: (status: number, value?: unknown) => void): void {
    if (method === 'POST') {
      if (this.streams.size > 0) return json(409, { error: 'stream exists' });
      const requested = JSON.parse(body || '{}') as Record<string, unknown>;
      const streamId = randomUUID();
      const delivery = (requested.delivery as Record<string, unknown> | undefined) ?? {
        method: 'urn:ietf:rfc:8936',
        endpoint_url: `${this.url}/ssf/poll`,
      };
      if (delivery.method === 'urn:ietf:rfc:8936') delivery.endpoint_url = `${this.url}/ssf/poll`;
      const stream = {
        stream_id: streamId,
        iss: this.issuer,
        aud: requested.aud ?? 'receiver',
        events_requested: requested.events_requested ?? [],
        events_delivered: requested.events_requested ?? [],
        delivery,
        status: 'enabled',
      };
      this.streams.set(streamId, stream);
      return json(201, stream);
    }
    if (method === 'GET') {
      const id = url.searchParams.get('stream_id');
      if (!id) return json(200, [...this.streams.values()]);
      const stream = this.streams.get(id);
      return stream ? json(200, stream) : json(404);
    }
    if (method === 'PATCH') {
      const update = JSON.parse(body) as Record<string, unknown>;
      const stream = this.streams.get(String(update.stream_id));
      if (!stream) return json(404);
      Object.assign(stream, update);
      return json(200, stream);
    }
    json(405);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => resolve(data));
  });
}
