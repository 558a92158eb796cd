import { createHash } from 'node:crypto';
import type { EventData } from '@killswitch/schemas';
import { canonical, tenantState, type Projection } from '../projection.ts';

/** One termination, as an auditor reads it: who ended what, when, why, from which message. */
export interface AuditEntry {
  sequence: number;
  position: number;
  recordedAt: number;
  terminationId: string;
  actor: string;
  source: string;
  scope: string;
  target: { type: string; id: string };
  userId: string | null;
  reason: string;
  issuer: string | null;
  messageId: string | null;
  messageDigest: string | null;
  idpEventTime: number | null;
  ended: EventData<'TerminationApplied'>['ended'];
  residual: EventData<'TerminationApplied'>['residual'];
  verdict: EventData<'TerminationApplied'>['verdict'];
  previousHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 over the previous hash and the entry's canonical JSON: removing or altering any entry breaks the chain. */
export function chainHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256')
    .update(entry.previousHash)
    .update(JSON.stringify(canonical(entry)))
    .digest('hex');
}

interface TenantTrail {
  entries: AuditEntry[];
  pending: Map<string, { data: EventData<'TerminationRequested'>; actor: string }>;
}

export interface AuditTrailState {
  readonly tenants: Map<string, TenantTrail>;
}

export const auditTrail: Projection<AuditTrailState> = {
  name: 'audit-trail',
  initialState: () => ({ tenants: new Map() }),
  // Plain maps, arrays and records: the structured clone is the state.
  revive: (data) => data as AuditTrailState,
  evolve(state, recorded) {
    const trail = tenantState(state.tenants, recorded.metadata.tenant, () => ({ entries: [], pending: new Map() }));
    const { event } = recorded;
    if (event.type === 'TerminationRequested') {
      trail.pending.set(event.data.terminationId, { data: event.data, actor: recorded.metadata.actor });
    } else if (event.type === 'TerminationApplied') {
      const request = trail.pending.get(event.data.terminationId);
      if (!request) return state;
      trail.pending.delete(event.data.terminationId);
      trail.entries.push(auditEntry(request, recorded.position, recorded.recordedAt, event.data, trail.entries[trail.entries.length - 1]));
    }
    return state;
  },
  snapshot: (state) => canonical(new Map([...state.tenants].map(([t, trail]) => [t, trail.entries]))),
};

/** The entry a termination's application adds after `previous` (the same in memory and on disk). */
export function auditEntry(
  request: { data: EventData<'TerminationRequested'>; actor: string },
  position: number,
  recordedAt: number,
  applied: EventData<'TerminationApplied'>,
  previous: Pick<AuditEntry, 'sequence' | 'hash'> | undefined,
): AuditEntry {
  const r = request.data;
  const entry: Omit<AuditEntry, 'hash'> = {
    sequence: (previous?.sequence ?? 0) + 1,
    position,
    recordedAt,
    terminationId: r.terminationId,
    actor: request.actor,
    source: r.source,
    scope: r.scope,
    target: { type: r.target.type, id: r.target.id },
    userId: r.userId,
    reason: r.reason,
    issuer: r.issuer,
    messageId: r.messageId,
    messageDigest: r.messageDigest,
    idpEventTime: r.idpEventTime,
    ended: applied.ended,
    residual: applied.residual,
    verdict: applied.verdict,
    previousHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...entry, hash: chainHash(entry) };
}

/** Verifies a chain of entries (from its start, or continuing after `from`); returns the first broken sequence number. */
export function verifyChain(
  entries: readonly AuditEntry[],
  from: { sequence: number; hash: string } = { sequence: 0, hash: GENESIS_HASH },
): { ok: true } | { ok: false; sequence: number; problem: string } {
  let previous = from.hash;
  for (const [i, entry] of entries.entries()) {
    if (entry.sequence !== from.sequence + i + 1) return { ok: false, sequence: entry.sequence, problem: 'sequence gap' };
    if (entry.previousHash !== previous) return { ok: false, sequence: entry.sequence, problem: 'previous hash mismatch' };
    const { hash, ...rest } = entry;
    if (chainHash(rest) !== hash) return { ok: false, sequence: entry.sequence, problem: 'entry altered' };
    previous = hash;
  }
  return { ok: true };
}
