import type { RecordedEvent } from '@killswitch/event-store';
import { canonical, tenantState, type Projection } from '../projection.ts';

export type InventoryStatus = 'active' | 'ended' | 'invalidated' | 'revoked';

export interface InventoryEntry {
  sessionId: string;
  parentSessionId: string | null;
  deviceId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  startedAt: number;
  lastActivityAt: number;
  expiresAt: number | null;
  ancestors: readonly string[];
  status: InventoryStatus;
  terminationId: string | null;
}

/** tenant → user → session id → entry. */
export interface SessionInventoryState {
  readonly tenants: Map<string, Map<string, Map<string, InventoryEntry>>>;
}

export const sessionInventory: Projection<SessionInventoryState> = {
  name: 'session-inventory',
  initialState: () => ({ tenants: new Map() }),
  evolve(state, recorded) {
    apply(
      tenantState(state.tenants, recorded.metadata.tenant, () => new Map()),
      recorded,
    );
    return state;
  },
  snapshot: (state) => canonical(state.tenants),
};

function userSessions(users: Map<string, Map<string, InventoryEntry>>, userId: string): Map<string, InventoryEntry> {
  return tenantState(users, userId, () => new Map());
}

function apply(users: Map<string, Map<string, InventoryEntry>>, { event }: RecordedEvent): void {
  switch (event.type) {
    case 'SessionStarted': {
      const d = event.data;
      userSessions(users, d.userId).set(d.sessionId, {
        sessionId: d.sessionId,
        parentSessionId: d.parentSessionId,
        deviceId: d.deviceId,
        clientId: d.clientId,
        ip: d.ip,
        userAgent: d.userAgent,
        startedAt: d.startedAt,
        lastActivityAt: d.startedAt,
        expiresAt: d.expiresAt,
        ancestors: d.ancestors,
        status: 'active',
        terminationId: null,
      });
      return;
    }
    case 'SessionActivityRecorded': {
      const entry = users.get(event.data.userId)?.get(event.data.sessionId);
      if (!entry) return;
      entry.lastActivityAt = Math.max(entry.lastActivityAt, event.data.at);
      entry.ip = event.data.ip ?? entry.ip;
      entry.userAgent = event.data.userAgent ?? entry.userAgent;
      return;
    }
    case 'SessionEnded': {
      const entry = users.get(event.data.userId)?.get(event.data.sessionId);
      if (entry && entry.status === 'active') entry.status = 'ended';
      return;
    }
    case 'SubjectRevoked': {
      const d = event.data;
      const sessions = users.get(d.userId);
      if (!sessions) return;
      const mark = (entry: InventoryEntry, status: InventoryStatus) => {
        if (entry.status === 'revoked' || entry.status === 'ended') return;
        if (status === 'invalidated' && entry.status === 'invalidated') return;
        entry.status = status;
        entry.terminationId = d.terminationId;
      };
      for (const entry of sessions.values()) {
        const { type, id } = d.subject;
        if (d.effect === 'NOT_BEFORE' && (type === 'USER' || entry.deviceId === id) && entry.startedAt <= (d.notBefore ?? d.at))
          mark(entry, 'revoked');
        else if (type === 'SESSION' && d.effect === 'REVOKED' && (entry.sessionId === id || entry.ancestors.includes(id)))
          mark(entry, 'revoked');
        else if (type === 'SESSION' && d.effect === 'INVALIDATED' && entry.sessionId === id) mark(entry, 'invalidated');
      }
      return;
    }
    default:
      return;
  }
}
