import { join, resolve } from 'node:path';
import { SqliteEventStore, type EventStore } from '@killswitch/event-store';
import { ALL_PROJECTIONS, HotSnapshots, ProjectionHost, ThreadedReadModels, type SnapshotLog } from '@killswitch/projections';
import { Ledger } from './application/ledger.ts';
import type { LedgerConfig } from './config.ts';
import { loadOrCreateSigningKey, type SigningKey } from '@killswitch/protocols';
import type { IdpRouteDeps } from './http/idp/index.ts';
import { IdpGateway } from './idp/gateway.ts';
import { TenantRegistry } from './idp/registry.ts';
import { SetReceiver } from './idp/ssf/receiver.ts';
import { SsfConnector } from './idp/ssf/connector.ts';
import { WebhookReactor } from './reactors/webhooks.ts';

export interface Runtime {
  readonly store: EventStore;
  readonly host: ProjectionHost;
  /** The durable read models (their writer thread, and a connection for reads). */
  readonly readModels: ThreadedReadModels;
  readonly ledger: Ledger;
  readonly registry: TenantRegistry;
  readonly gateway: IdpGateway;
  readonly receiver: SetReceiver;
  /** What `buildApp` needs for the IdP endpoints. */
  readonly idp: IdpRouteDeps;
  /** SSF streams connected by configuration (poll clients, stream management). */
  readonly ssf: SsfConnector;
  readonly signingKey: SigningKey;
  /** Outbound webhooks (started by the process that delivers them: `npm start` with KILLSWITCH_ROLE=all). */
  readonly webhooks: WebhookReactor;
  /** The hot state on disk: loaded at start, written every `snapshotEveryEvents` events and on close. */
  readonly snapshots: HotSnapshots;
  close(): Promise<void>;
}

/** Composition root: the embedded store, every projection caught up, the ledger on top. */
export async function startRuntime(
  config: LedgerConfig,
  options: { now?: () => number; store?: EventStore; onSsfError?: (error: unknown, context: string) => void; log?: SnapshotLog } = {},
): Promise<Runtime> {
  // EventStoreDB when KILLSWITCH_EVENTSTOREDB_URL is set (a cluster at scale); the embedded SQLite file otherwise.
  const esdb = process.env.KILLSWITCH_EVENTSTOREDB_URL;
  // Its client is loaded only then: it costs a start on the embedded store ~60 ms.
  const store =
    options.store ??
    (esdb
      ? new (await import('@killswitch/event-store/eventstoredb')).EventStoreDbEventStore({ connectionString: esdb })
      : new SqliteEventStore({ path: eventsPath(config.dataDir) }));
  // The durable read models live beside the event store, whichever engine holds the events.
  const readModels = new ThreadedReadModels(
    readModelsPath(config.dataDir),
    esdb && !options.store ? { engine: 'eventstoredb', connectionString: esdb } : { engine: 'sqlite', path: eventsPath(config.dataDir) },
  );
  const host = new ProjectionHost(store, readModels);
  for (const projection of ALL_PROJECTIONS) host.register(projection as never);
  // The hot state from its last snapshot, then only the tail of the store: start-up follows the live set, not history.
  const snapshots = new HotSnapshots(host, store, hotSnapshotPath(config.dataDir), config.snapshotEveryEvents, options.log ?? silent);
  await snapshots.load();
  snapshots.follow();
  logReplayProgress(host, await store.headPosition(), options.log ?? silent);
  await host.start();
  await readModels.open(); // the writer thread booted while the in-memory projections caught up
  const now = options.now ?? Date.now;
  const registry = new TenantRegistry(config);
  const ledger = new Ledger({
    store,
    host,
    readModels,
    now,
    activityCoalesceMs: config.activityCoalesceMs,
    ipsieLevel: (tenant) => registry.tenant(tenant)?.ipsieLevel ?? 'SL2',
    scopePolicy: (tenant) => registry.tenant(tenant)?.scopePolicy ?? {},
  });
  await ledger.completePending();
  const gateway = new IdpGateway(ledger);
  const receiver = new SetReceiver(registry, gateway, now);
  const ssf = new SsfConnector(registry, receiver, options.onSsfError);
  const signingKey = await loadOrCreateSigningKey(signingKeyPath(config.dataDir));
  const webhooks = new WebhookReactor(store, {
    endpoints: (tenant) => registry.tenant(tenant)?.webhooks ?? [],
    tenants: () => registry.current.tenants.map((t) => t.id),
    checkpointDir: join(resolve(config.dataDir), 'relay', 'webhooks'),
    baseDelayMs: config.webhookRetry.baseDelayMs,
    maxDelayMs: config.webhookRetry.maxDelayMs,
    retryWindowMs: config.webhookRetry.windowMs,
  });
  return {
    store,
    host,
    readModels,
    ledger,
    registry,
    gateway,
    receiver,
    idp: { registry, gateway, receiver, ledger, now },
    ssf,
    signingKey,
    snapshots,
    webhooks,
    async close() {
      await ssf.stop();
      await webhooks.stop();
      await ledger.presentations.close();
      await host.stop();
      await snapshots.close();
      await readModels.close();
      await store.close();
    },
  };
}

/** The embedded event store's file. */
export const eventsPath = (dataDir: string) => join(resolve(dataDir), 'events.sqlite');

/** The hot projections' snapshot. */
export const hotSnapshotPath = (dataDir: string) => join(resolve(dataDir), 'hot-snapshot.bin');

const silent: SnapshotLog = { info: () => {}, warn: () => {} };

/** The read-model database (durable projections) in the data directory. */
export const readModelsPath = (dataDir: string) => join(resolve(dataDir), 'read-models.sqlite');

/** Where the RP's receipt-signing key lives (shared by the ledger and the relay). */
export const signingKeyPath = (dataDir: string) => join(resolve(dataDir), 'keys', 'receipt-signing.jwk.json');

/**
 * A long replay (a first start on old data, or a snapshot taken by other code) says how far it has
 * got, every 5 s until the projections are live. Logged after applied batches: the replay keeps the
 * event loop busy, so a timer would not fire.
 */
function logReplayProgress(host: ProjectionHost, head: number, log: SnapshotLog): void {
  const from = host.position;
  const started = Date.now();
  let logged = started;
  host.onApplied((position) => {
    const now = Date.now();
    if (host.isLive || now - logged < 5000) return;
    logged = now;
    const perSecond = (position - from) / ((now - started) / 1000);
    log.info(
      { position, head, eventsPerSecond: Math.round(perSecond), etaSeconds: Math.round((head - position) / Math.max(1, perSecond)) },
      'projections catching up',
    );
    log.flush?.();
  });
}
