import { canonical, tenantState, type Projection } from '../projection.ts';

/** A webhook message not delivered (yet, or ever: `final`), with its attempts so far. */
export interface UndeliveredWebhook {
  endpointId: string;
  webhookId: string;
  eventType: string;
  sourcePosition: number;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  firstAt: number;
  lastAt: number;
  /** Given up after the retry window: only a resend on demand delivers it now. */
  final: boolean;
}

export interface WebhookDeliveriesState {
  /** tenant → `<endpoint> <webhook-id>` → the message. A delivered message leaves: memory holds what is owed. */
  readonly tenants: Map<string, Map<string, UndeliveredWebhook>>;
}

export const webhookDeliveries: Projection<WebhookDeliveriesState> = {
  name: 'webhook-deliveries',
  initialState: () => ({ tenants: new Map() }),
  // Plain maps and records: the structured clone is the state.
  revive: (data) => data as WebhookDeliveriesState,
  evolve(state, recorded) {
    if (recorded.event.type !== 'WebhookAttempted') return state;
    const d = recorded.event.data;
    const owed = tenantState(state.tenants, recorded.metadata.tenant, () => new Map<string, UndeliveredWebhook>());
    const key = `${d.endpointId} ${d.webhookId}`;
    if (d.delivered) {
      owed.delete(key);
      return state;
    }
    const previous = owed.get(key);
    owed.set(key, {
      endpointId: d.endpointId,
      webhookId: d.webhookId,
      eventType: d.eventType,
      sourcePosition: d.sourcePosition,
      attempts: Math.max(previous?.attempts ?? 0, d.attempt),
      lastStatus: d.status,
      lastError: d.error,
      firstAt: previous?.firstAt ?? d.at,
      lastAt: d.at,
      final: d.final,
    });
    return state;
  },
  snapshot: (state) => canonical(state.tenants),
};
