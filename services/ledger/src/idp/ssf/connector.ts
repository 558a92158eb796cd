import { randomBytes } from 'node:crypto';
import type { TenantRegistry } from '../registry.ts';
import { SsfPoller } from './poller.ts';
import type { SetReceiver } from './receiver.ts';
import { POLL, PUSH, SsfStreamClient, type StreamConfiguration } from './streams.ts';

export interface ConnectedStream {
  tenant: string;
  issuer: string;
  stream: StreamConfiguration;
  poller: SsfPoller | null;
}

/**
 * Connects every tenant whose IdP configuration asks for it: discovers the transmitter,
 * creates (or adopts) the stream, points it at this receiver, requests verification, and starts
 * polling for poll-delivered streams. Configured poll endpoints without management start too.
 */
export class SsfConnector {
  readonly connected: ConnectedStream[] = [];
  private readonly pollers: SsfPoller[] = [];

  constructor(
    private readonly registry: TenantRegistry,
    private readonly receiver: SetReceiver,
    private readonly onError: (error: unknown, context: string) => void = () => {},
  ) {}

  async connectAll(): Promise<void> {
    for (const tenant of this.registry.current.tenants) {
      for (const idp of tenant.idps) {
        try {
          if (idp.ssf?.management) await this.connect(tenant.id, idp.issuer);
          else if (idp.ssf?.poll)
            this.startPoller(tenant.id, idp.issuer, idp.ssf.poll.endpointUrl, idp.ssf.poll.authorization, idp.ssf.poll);
        } catch (error) {
          this.onError(error, `ssf ${tenant.id}`);
        }
      }
    }
  }

  async connect(tenant: string, issuer: string): Promise<ConnectedStream> {
    const idp = this.registry.idp(tenant, issuer)?.idp;
    const management = idp?.ssf?.management;
    if (!idp || !management) throw new Error('no stream management configured');
    const client = new SsfStreamClient(management.transmitter, management.bearerToken);
    await client.discover();
    const push = management.delivery === 'push';
    // A fresh push credential per connection; only its hash is kept, for the push endpoint to check.
    const authorization = push ? `Bearer ${randomBytes(24).toString('base64url')}` : undefined;
    const delivery = push
      ? { method: PUSH, endpoint_url: this.registry.endpointUrl(tenant, 'ssf/events'), authorization_header: authorization }
      : { method: POLL };
    const existing = (await client.readStreams())[0];
    const stream = existing
      ? await client.updateStream({ stream_id: existing.stream_id, delivery, events_requested: [...management.eventsRequested] })
      : await client.createStream({
          delivery,
          events_requested: [...management.eventsRequested],
          description: `Killswitch tenant ${tenant}`,
        });
    if (authorization) this.receiver.acceptPushAuthorization(tenant, issuer, authorization);
    const poller =
      !push && stream.delivery.endpoint_url
        ? this.startPoller(tenant, issuer, stream.delivery.endpoint_url, `Bearer ${management.bearerToken}`)
        : null;
    this.receiver.expectState(tenant, issuer, await client.requestVerification(stream.stream_id));
    const connected = { tenant, issuer, stream, poller };
    this.connected.push(connected);
    return connected;
  }

  private startPoller(
    tenant: string,
    _issuer: string,
    endpointUrl: string,
    authorization: string,
    options: { intervalMs?: number; maxEvents?: number } = {},
  ): SsfPoller {
    const poller = new SsfPoller({
      tenant,
      endpointUrl,
      authorization,
      intervalMs: options.intervalMs ?? 1000,
      maxEvents: options.maxEvents ?? 100,
      receiver: this.receiver,
      onError: (error) => this.onError(error, `ssf poll ${tenant}`),
    });
    poller.start();
    this.pollers.push(poller);
    return poller;
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }
}
