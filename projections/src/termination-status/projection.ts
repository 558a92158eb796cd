import type { EventData } from '@killswitch/schemas';
import { canonical, tenantState, type Projection } from '../projection.ts';

export interface TerminationRecord {
  terminationId: string;
  request: EventData<'TerminationRequested'>;
  revoked: Array<EventData<'SubjectRevoked'>>;
  applied: EventData<'TerminationApplied'> | null;
  /** Position of the TerminationApplied event: when every enforcer has passed it, the termination is everywhere. */
  position: number;
  recordedAt: number;
  actor: string;
  correlationId: string;
  /** When each enforcer applied it, and when the last live one did. */
  propagation: { enforcers: Record<string, number>; completed: EventData<'TerminationPropagationCompleted'> | null };
  /** Receipt to the IdP: delivered, or the failed attempts so far. */
  receipt: { delivered: EventData<'ReceiptDelivered'> | null; failures: Array<EventData<'ReceiptDeliveryFailed'>> };
  /** Agent tasks told to stop. */
  agentCancellations: Array<EventData<'AgentTaskCancelled'> | EventData<'AgentTaskCancellationFailed'>>;
  /** Credentials it ended that were presented again and refused, in all and per source. */
  attempts: Attempts;
}

export interface Attempts {
  count: number;
  firstAt: number | null;
  lastAt: number | null;
  /** The request's IP and user agent of the latest attempt, when the refusing side knew them. */
  lastIp: string | null;
  lastUserAgent: string | null;
  /** Refusals per source (`ledger`, an enforcer id). */
  sources: Record<string, number>;
  /** Refusals per credential (`TOKEN:<id>`, `SESSION:<id>`, `CLAIMS:<id>`). */
  credentials: Record<string, number>;
}

const noAttempts = (): Attempts => ({
  count: 0,
  firstAt: null,
  lastAt: null,
  lastIp: null,
  lastUserAgent: null,
  sources: {},
  credentials: {},
});

export interface TerminationStatusState {
  readonly tenants: Map<string, Map<string, TerminationRecord>>;
  /** tenant → `<TOKEN|SESSION|CLAIMS>:<id>` → refused presentations of that credential, whichever termination ended it. */
  readonly attemptsByCredential: Map<string, Map<string, CredentialAttempts>>;
}

export interface CredentialAttempts {
  count: number;
  lastAt: number;
  sources: Record<string, number>;
}

export const terminationStatus: Projection<TerminationStatusState> = {
  name: 'termination-status',
  initialState: () => ({ tenants: new Map(), attemptsByCredential: new Map() }),
  // Plain maps, arrays and records: the structured clone is the state.
  revive: (data) => data as TerminationStatusState,
  evolve(state, recorded) {
    const terminations = tenantState(state.tenants, recorded.metadata.tenant, () => new Map<string, TerminationRecord>());
    const { event } = recorded;
    if (event.type === 'TerminationRequested') {
      terminations.set(event.data.terminationId, {
        terminationId: event.data.terminationId,
        request: event.data,
        revoked: [],
        applied: null,
        position: recorded.position,
        recordedAt: recorded.recordedAt,
        actor: recorded.metadata.actor,
        correlationId: recorded.metadata.correlationId,
        propagation: { enforcers: {}, completed: null },
        receipt: { delivered: null, failures: [] },
        agentCancellations: [],
        attempts: noAttempts(),
      });
    } else if (event.type === 'SubjectRevoked') {
      terminations.get(event.data.terminationId)?.revoked.push(event.data);
    } else if (event.type === 'TerminationPropagated') {
      const record = terminations.get(event.data.terminationId);
      if (record && record.propagation.enforcers[event.data.enforcerId] === undefined)
        record.propagation.enforcers[event.data.enforcerId] = event.data.appliedAt;
    } else if (event.type === 'TerminationPropagationCompleted') {
      const record = terminations.get(event.data.terminationId);
      if (record) record.propagation.completed ??= event.data;
    } else if (event.type === 'ReceiptDelivered') {
      const record = terminations.get(event.data.terminationId);
      if (record) record.receipt.delivered ??= event.data;
    } else if (event.type === 'ReceiptDeliveryFailed') {
      terminations.get(event.data.terminationId)?.receipt.failures.push(event.data);
    } else if (event.type === 'AgentTaskCancelled' || event.type === 'AgentTaskCancellationFailed') {
      terminations.get(event.data.terminationId)?.agentCancellations.push(event.data);
    } else if (event.type === 'RevokedCredentialPresented') {
      const record = terminations.get(event.data.terminationId);
      if (record) {
        countAttempts(record.attempts, event.data);
        const byCredential = tenantState(state.attemptsByCredential, recorded.metadata.tenant, () => new Map<string, CredentialAttempts>());
        const key = `${event.data.credentialType}:${event.data.credentialId}`;
        const seen = byCredential.get(key) ?? { count: 0, lastAt: 0, sources: {} };
        seen.count += event.data.count;
        seen.lastAt = Math.max(seen.lastAt, event.data.lastAt);
        seen.sources[event.data.source] = (seen.sources[event.data.source] ?? 0) + event.data.count;
        byCredential.set(key, seen);
      }
    } else if (event.type === 'TerminationApplied') {
      const record = terminations.get(event.data.terminationId);
      if (record) {
        record.applied = event.data;
        record.position = recorded.position;
      }
    }
    return state;
  },
  snapshot: (state) => canonical({ tenants: state.tenants, attemptsByCredential: state.attemptsByCredential }),
};

function countAttempts(attempts: Attempts, d: EventData<'RevokedCredentialPresented'>): void {
  attempts.count += d.count;
  attempts.firstAt = attempts.firstAt === null ? d.firstAt : Math.min(attempts.firstAt, d.firstAt);
  if (attempts.lastAt === null || d.lastAt >= attempts.lastAt) {
    attempts.lastAt = d.lastAt;
    attempts.lastIp = d.ip ?? attempts.lastIp;
    attempts.lastUserAgent = d.userAgent ?? attempts.lastUserAgent;
  }
  attempts.sources[d.source] = (attempts.sources[d.source] ?? 0) + d.count;
  const credential = `${d.credentialType}:${d.credentialId}`;
  attempts.credentials[credential] = (attempts.credentials[credential] ?? 0) + d.count;
}
