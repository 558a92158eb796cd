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
}

export interface TerminationStatusState {
  readonly tenants: Map<string, Map<string, TerminationRecord>>;
}

export const terminationStatus: Projection<TerminationStatusState> = {
  name: 'termination-status',
  initialState: () => ({ tenants: new Map() }),
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
    } else if (event.type === 'TerminationApplied') {
      const record = terminations.get(event.data.terminationId);
      if (record) {
        record.applied = event.data;
        record.position = recorded.position;
      }
    }
    return state;
  },
  snapshot: (state) => canonical(state.tenants),
};
