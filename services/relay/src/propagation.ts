import type { Consumer } from 'kafkajs';
import { appendAllToTerminations, appendToTermination, presentedStream, type TerminationFact } from '@killswitch/ledger';
import { decodeSingleObject, SchemaRegistry, type DomainEvent } from '@killswitch/schemas';
import { STATUS_TOPIC } from '@killswitch/enforcer';
import type { EventStore } from '@killswitch/event-store';
import { terminationStatus, type ProjectionHost } from '@killswitch/projections';

interface Status {
  enforcerId: string;
  tenant: string;
  kind: 'HEARTBEAT' | 'APPLIED' | 'PRESENTED';
  position: number;
  terminationIds: string[];
  at: number;
  presentations?: Array<{
    terminationId: string;
    credentialType: string;
    credentialId: string;
    userId: string | null;
    count: number;
    firstAt: number;
    lastAt: number;
    ip: string | null;
    userAgent: string | null;
  }>;
}

/**
 * Measures propagation: records when each enforcer applied each termination, and once every
 * enforcer alive for the tenant has applied it, records the termination's propagation time.
 */
export class PropagationTracker {
  private readonly registry = SchemaRegistry.load('kafka');
  /** tenant → enforcer → last heartbeat (enforcer clock, ms). */
  readonly live = new Map<string, Map<string, number>>();
  /**
   * tenant → terminations some enforcer applied that are not complete yet: only these can
   * complete, so a heartbeat never rescans a tenant's whole history.
   */
  private readonly incomplete = new Map<string, Set<string>>();

  constructor(
    private readonly store: EventStore,
    private readonly host: ProjectionHost,
    private readonly consumer: Consumer,
    private readonly options: { liveWindowMs?: number; now?: () => number } = {},
  ) {}

  async start(): Promise<void> {
    // Terminations applied somewhere before a restart but not completed stay candidates.
    for (const [tenant, records] of this.host.state(terminationStatus).tenants) {
      for (const record of records.values()) {
        if (!record.propagation.completed && Object.keys(record.propagation.enforcers).length > 0)
          this.candidates(tenant).add(record.terminationId);
      }
    }
    await this.consumer.subscribe({ topic: STATUS_TOPIC, fromBeginning: false });
    // A batch of statuses (many enforcers acknowledging many terminations) is recorded in one group commit.
    await this.consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const statuses = batch.messages.flatMap((m) => (m.value ? [decodeSingleObject(this.registry, m.value).value as Status] : []));
        await this.onStatuses(statuses);
        for (const message of batch.messages) resolveOffset(message.offset);
        await heartbeat();
      },
    });
  }

  liveEnforcers(tenant: string): string[] {
    const now = (this.options.now ?? Date.now)();
    const window = this.options.liveWindowMs ?? 5000;
    return [...(this.live.get(tenant) ?? [])].filter(([, at]) => now - at <= window).map(([id]) => id);
  }

  async onStatuses(statuses: readonly Status[]): Promise<void> {
    const propagated: TerminationFact[] = [];
    const noted = new Set<string>();
    const tenants = new Set<string>();
    for (const status of statuses) {
      tenants.add(status.tenant);
      const enforcers = this.live.get(status.tenant) ?? new Map<string, number>();
      enforcers.set(status.enforcerId, Math.max(enforcers.get(status.enforcerId) ?? 0, status.at));
      this.live.set(status.tenant, enforcers);
      for (const terminationId of status.kind === 'APPLIED' ? status.terminationIds : []) {
        const key = `${status.tenant}\u0000${terminationId}\u0000${status.enforcerId}`;
        const record = await this.recordOf(status.tenant, terminationId);
        if (!record || record.propagation.enforcers[status.enforcerId] !== undefined || noted.has(key)) continue;
        noted.add(key);
        if (!record.propagation.completed) this.candidates(status.tenant).add(terminationId);
        propagated.push({
          tenant: status.tenant,
          terminationId,
          event: {
            type: 'TerminationPropagated',
            data: { terminationId, enforcerId: status.enforcerId, appliedAt: status.at, position: status.position },
          },
        });
      }
    }
    await appendAllToTerminations(this.store, this.host, propagated, 'kafka');
    for (const tenant of tenants) await this.completeWhereDone(tenant);
    for (const status of statuses) if (status.kind === 'PRESENTED') await this.recordPresentations(status);
  }

  /** Refused presentations of revoked credentials, on the termination each names (in the enforcer's tenant only). */
  private async recordPresentations(status: Status): Promise<void> {
    for (const p of status.presentations ?? []) {
      if (!['TOKEN', 'SESSION', 'CLAIMS'].includes(p.credentialType) || p.count < 1 || p.lastAt < p.firstAt) continue;
      if (!(await this.recordOf(status.tenant, p.terminationId))) continue;
      await this.store.append({
        streamId: presentedStream(status.tenant, p.terminationId),
        expected: 'any',
        events: [
          {
            event: {
              type: 'RevokedCredentialPresented',
              data: {
                terminationId: p.terminationId,
                userId: p.userId,
                credentialType: p.credentialType as 'TOKEN' | 'SESSION' | 'CLAIMS',
                credentialId: p.credentialId,
                source: status.enforcerId,
                channel: 'enforcer',
                count: p.count,
                firstAt: p.firstAt,
                lastAt: p.lastAt,
                ip: p.ip,
                userAgent: p.userAgent,
              },
            },
            metadata: {
              tenant: status.tenant,
              correlationId: `kafka:${status.enforcerId}:${p.firstAt}`,
              causationId: p.terminationId,
              actor: `enforcer:${status.enforcerId}`,
              source: 'enforcer',
              idpEventTime: null,
            },
          },
        ],
      });
    }
  }

  private candidates(tenant: string): Set<string> {
    let set = this.incomplete.get(tenant);
    if (!set) {
      set = new Set();
      this.incomplete.set(tenant, set);
    }
    return set;
  }

  /**
   * An enforcer only applies what was published from the store, so a termination it names exists;
   * when this tracker's projection has not reached it yet, catch up instead of dropping the report.
   */
  private async recordOf(tenant: string, terminationId: string) {
    const known = this.record(tenant, terminationId);
    if (known) return known;
    await this.host.waitFor(await this.store.headPosition());
    return this.record(tenant, terminationId);
  }

  private record(tenant: string, terminationId: string) {
    return this.host.state(terminationStatus).tenants.get(tenant)?.get(terminationId);
  }

  /** Every termination of the tenant whose live enforcers have all applied it gets its propagation time. */
  async completeWhereDone(tenant: string): Promise<void> {
    const live = this.liveEnforcers(tenant);
    if (live.length === 0) return;
    const candidates = this.candidates(tenant);
    for (const terminationId of [...candidates]) {
      const record = this.record(tenant, terminationId);
      if (!record || record.propagation.completed || record.revoked.length === 0) {
        candidates.delete(terminationId);
        continue;
      }
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
      candidates.delete(terminationId);
    }
  }

  private append(tenant: string, terminationId: string, event: DomainEvent): Promise<void> {
    return appendToTermination(this.store, this.host, tenant, terminationId, event, 'kafka');
  }
}
