import { randomUUID } from 'node:crypto';
import type { EventStore } from '@killswitch/event-store';
import type { CheckResult } from '@killswitch/projections';
import type { EventData } from '@killswitch/schemas';

export type Presentation = Omit<EventData<'RevokedCredentialPresented'>, 'count' | 'firstAt' | 'lastAt'>;

/** A credential as a check named it: by token id, session id, or JWT claims (never the token itself). */
export type PresentedCredential = Pick<Presentation, 'credentialType' | 'credentialId'> & { userId?: string | null };

/** The request a refused credential came with, when the refusing side knows it. */
export interface PresentationContext {
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

/**
 * Refusals go to a stream of their own beside the termination's: they may come while the
 * termination is still being applied, whose own stream is appended at an expected revision.
 */
export const presentedStream = (tenant: string, terminationId: string) => `presented-${tenant}:${terminationId}`;

interface Pending {
  tenant: string;
  presentation: Presentation;
  count: number;
  firstAt: number;
  lastAt: number;
}

/** Refusals are coalesced per tenant, termination, credential, source, channel and minute. */
const coalescingKey = (
  tenant: string,
  terminationId: string,
  credentialType: string,
  credentialId: string,
  source: string,
  channel: string,
  at: number,
): string =>
  `${tenant}\u0000${terminationId}\u0000${credentialType}\u0000${credentialId}\u0000${source}\u0000${channel}\u0000${Math.floor(at / 60_000)}`;

/**
 * Reuse after revocation: every refusal of a credential a termination ended, coalesced per
 * credential, source and minute, then appended (`RevokedCredentialPresented`) to the
 * termination's stream about once a second: a refusal costs a map update, never a write.
 */
export class PresentationLog {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly now: () => number,
    private readonly flushMs = 1000,
  ) {}

  /** Notes a refusal by the ledger itself (check, introspect) when the answer names a termination. */
  refused(tenant: string, result: CheckResult, credential: PresentedCredential, channel: string, context: PresentationContext = {}): void {
    if (result.active || !result.terminationId) return;
    const at = this.now();
    const ip = context.ip ?? null;
    const userAgent = context.userAgent?.slice(0, 512) ?? null;
    // A stolen credential presented again and again: its entry is counted, and no object is made.
    const entry = this.pending.get(
      coalescingKey(tenant, result.terminationId, credential.credentialType, credential.credentialId, 'ledger', channel, at),
    );
    if (
      entry &&
      at >= entry.lastAt &&
      (ip === null || ip === entry.presentation.ip) &&
      (userAgent === null || userAgent === entry.presentation.userAgent)
    ) {
      entry.count++;
      entry.lastAt = at;
      return;
    }
    this.note(
      tenant,
      {
        terminationId: result.terminationId,
        userId: credential.userId ?? null,
        credentialType: credential.credentialType,
        credentialId: credential.credentialId,
        source: 'ledger',
        channel,
        ip,
        userAgent,
      },
      { count: 1, firstAt: at, lastAt: at },
    );
  }

  /** Refusals an enforcer already coalesced: appended now, so that its report is acknowledged only once durable. */
  async reported(
    tenant: string,
    entries: ReadonlyArray<{ presentation: Presentation; count: number; firstAt: number; lastAt: number }>,
  ): Promise<void> {
    await this.append(entries.map((e) => ({ tenant, ...e })));
  }

  private note(tenant: string, p: Presentation, counts: { count: number; firstAt: number; lastAt: number }): void {
    const key = coalescingKey(tenant, p.terminationId, p.credentialType, p.credentialId, p.source, p.channel, counts.firstAt);
    const entry = this.pending.get(key);
    if (entry) {
      entry.count += counts.count;
      entry.firstAt = Math.min(entry.firstAt, counts.firstAt);
      if (counts.lastAt >= entry.lastAt) {
        entry.lastAt = counts.lastAt;
        entry.presentation = {
          ...entry.presentation,
          ip: p.ip ?? entry.presentation.ip,
          userAgent: p.userAgent ?? entry.presentation.userAgent,
        };
      }
    } else this.pending.set(key, { tenant, presentation: p, ...counts });
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
  }

  /** Appends what was noted (telemetry: a refusal was already answered, and a lost count never changes one). */
  flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(() => this.append(batch).catch(() => undefined));
    return this.flushing;
  }

  /** One append per termination, to its stream. */
  private async append(batch: readonly Pending[]): Promise<void> {
    const byTermination = new Map<string, Pending[]>();
    for (const entry of batch) {
      const key = `${entry.tenant}\u0000${entry.presentation.terminationId}`;
      byTermination.set(key, [...(byTermination.get(key) ?? []), entry]);
    }
    for (const entries of byTermination.values()) {
      const { tenant, presentation } = entries[0] as Pending;
      await this.store.append({
        streamId: presentedStream(tenant, presentation.terminationId),
        expected: 'any',
        events: entries.map((e) => ({
          event: {
            type: 'RevokedCredentialPresented' as const,
            data: { ...e.presentation, count: e.count, firstAt: e.firstAt, lastAt: e.lastAt },
          },
          metadata: {
            tenant,
            correlationId: randomUUID(),
            causationId: null,
            actor: e.presentation.source === 'ledger' ? 'system' : `enforcer:${e.presentation.source}`,
            source: e.presentation.channel,
            idpEventTime: null,
          },
        })),
      });
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
