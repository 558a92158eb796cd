import type { EventStore } from '@killswitch/event-store';
import type { ProjectionHost, ThreadedReadModels } from '@killswitch/projections';

/** Who is asking, for the event metadata and the audit trail. Never carries a secret. */
export interface Caller {
  readonly tenant: string;
  readonly actor: string;
  readonly source: string;
  readonly correlationId: string;
}

export interface LedgerDeps {
  readonly store: EventStore;
  readonly host: ProjectionHost;
  readonly readModels: ThreadedReadModels;
  readonly now: () => number;
  readonly activityCoalesceMs: number;
  readonly ipsieLevel: (tenant: string) => 'SL2' | 'SL3';
  /** The tenant's overrides of the default scope per message type. */
  readonly scopePolicy?: (tenant: string) => Readonly<Record<string, string>>;
}

export const metadataFor = (caller: Caller, idpEventTime: number | null = null) => ({
  tenant: caller.tenant,
  correlationId: caller.correlationId,
  causationId: null,
  actor: caller.actor,
  source: caller.source,
  idpEventTime,
});
