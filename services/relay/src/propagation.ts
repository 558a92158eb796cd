import type { Consumer } from 'kafkajs';
import { appendToTermination } from '@killswitch/ledger';
import { decodeSingleObject, SchemaRegistry, type DomainEvent } from '@killswitch/schemas';
import { STATUS_TOPIC } from '@killswitch/enforcer';
import type { EventStore } from '@killswitch/event-store';
import { terminationStatus, type ProjectionHost } from '@killswitch/projections';

interface Status {
  enforcerId: string;
  tenant: string;
  kind: 'HEARTBEAT' | 'APPLIED';
  position: number;
  terminationIds: string[];
  at: number;
}

/**
 * Measures propagation: records when each enforcer applied each termination, and once every
 * enforcer alive for the tenant has applied it, records the termination's propagation time.
 */
export class PropagationTracker {
  private readonly registry = SchemaRegistry.load('kafka');
  /** tenant → enforcer → last heartbeat (enforcer clock, ms). */
  readonly live = new Map<string, Map<string, number>>();

  constructor(
    private readonly store: EventStore,
    private readonly host: ProjectionHost,
    private readonly consumer: Consumer,
    private readonly options: { liveWindowMs?: number; now?: () => number } = {},
  ) {}

  async start(): Promise<void> {
    await this.consumer.subscribe({ topic: STATUS_TOPIC, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const { value } = decodeSingleObject(this.registry, message.value);
        await this.onStatus(value as Status);
      },
    });
  }

  liveEnforcers(tenant: string): string[] {
    const now = (this.options.now ?? Date.now)();
    const window = this.options.liveWindowMs ?? 5000;
    return [...(this.live.get(tenant) ?? [])].filter(([, at]) => now - at <= window).map(([id]) => id);
  }

  async onStatus(status: Status): Promise<void> {
    const enforcers = this.live.get(status.tenant) ?? new Map<string, number>();
    enforcers.set(status.enforcerId, Math.max(enforcers.get(status.enforcerId) ?? 0, status.at));
    this.live.set(status.tenant, enforcers);
    for (const terminationId of status.kind === 'APPLIED' ? status.terminationIds : []) {
      const record = this.record(status.tenant, terminationId);
      if (!record || record.propagation.enforcers[status.enforcerId] !== undefined) continue;
      await this.append(status.tenant, terminationId, {
        type: 'TerminationPropagated',
        data: { terminationId, enforcerId: status.enforcerId, appliedAt: status.at, position: status.position },
      });
    }
    await this.completeWhereDone(status.tenant);
  }

  private record(tenant: string, terminationId: string) {
    return this.host.state(terminationStatus).tenants.get(tenant)?.get(terminationId);
  }

  /** Every termination of the tenant whose live enforcers have all applied it gets its propagation time. */
  async completeWhereDone(tenant: string): Promise<void> {
    const live = this.liveEnforcers(tenant);
    if (live.length === 0) return;
    for (const record of this.host.state(terminationStatus).tenants.get(tenant)?.values() ?? []) {
      if (record.propagation.completed || record.revoked.length === 0) continue;
      const applied = live.map((id) => record.propagation.enforcers[id]);
      if (applied.some((at) => at === undefined)) continue;
      const last = Math.max(...(applied as number[]));
      await this.append(tenant, record.terminationId, {
        type: 'TerminationPropagationCompleted',
        data: {
          terminationId: record.terminationId,
          enforcers: live.sort(),
          completedAt: last,
          propagationMs: Math.max(0, last - record.recordedAt),
        },
      });
    }
  }

  private append(tenant: string, terminationId: string, event: DomainEvent): Promise<void> {
    return appendToTermination(this.store, this.host, tenant, terminationId, event, 'kafka');
  }
}
