import { join, resolve } from 'node:path';
import { SqliteEventStore, type EventStore } from '@killswitch/event-store';
import { ALL_PROJECTIONS, ProjectionHost } from '@killswitch/projections';
import { Ledger } from './application/ledger.ts';
import type { LedgerConfig } from './config.ts';

export interface Runtime {
  readonly store: EventStore;
  readonly host: ProjectionHost;
  readonly ledger: Ledger;
  close(): Promise<void>;
}

/** Composition root: the embedded store, every projection caught up, the ledger on top. */
export async function startRuntime(config: LedgerConfig, options: { now?: () => number; store?: EventStore } = {}): Promise<Runtime> {
  const store = options.store ?? new SqliteEventStore({ path: join(resolve(config.dataDir), 'events.sqlite') });
  const host = new ProjectionHost(store);
  for (const projection of ALL_PROJECTIONS) host.register(projection as never);
  await host.start();
  const levels = new Map(config.tenants.map((t) => [t.id, t.ipsieLevel]));
  const ledger = new Ledger({
    store,
    host,
    now: options.now ?? Date.now,
    activityCoalesceMs: config.activityCoalesceMs,
    ipsieLevel: (tenant) => levels.get(tenant) ?? 'SL2',
  });
  await ledger.completePending();
  return {
    store,
    host,
    ledger,
    async close() {
      await host.stop();
      await store.close();
    },
  };
}
