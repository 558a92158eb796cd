import type { RecordedEvent } from '@killswitch/event-store';
import type { EventData } from '@killswitch/schemas';
import { clockBucket, EXPIRY_GRACE_MS, expiryBucket, reviveQueues, SlotQueue } from '../hot/expiry-queue.ts';
import { keptIds, keptLineage } from '../hot/lineage-index.ts';
import { canonical, tenantState, type Projection } from '../projection.ts';
import { TenantGraph } from './tenant-graph.ts';

/**
 * The live session graph, bounded by the live set: a token leaves memory once it has expired
 * (grace included), in expiry order, by the projection's own clock (the latest event's recorded
 * time, so a rebuild evicts exactly what the live graph did); a session, grant or agent once it has
 * ended (expired, signed out, stopped) and nothing live hangs from it. Its history stays on disk.
 */
export interface SessionGraphState {
  readonly tenants: Map<string, TenantGraph>;
  /** Per tenant, live tokens' slots (in the graph's token table) by expiry bucket. */
  readonly expiries: Map<string, SlotQueue>;
  clock: number;
}

export const sessionGraph: Projection<SessionGraphState> = {
  name: 'session-graph',
  initialState: () => ({ tenants: new Map(), expiries: new Map(), clock: 0 }),
  evolve(state, recorded) {
    const graph = tenantState(state.tenants, recorded.metadata.tenant, () => new TenantGraph());
    state.clock = Math.max(state.clock, recorded.recordedAt);
    const { event } = recorded;
    if (event.type === 'TokenMinted') {
      // Already dead when recorded (history being loaded, a late report): nothing live to hold.
      if (event.data.expiresAt + EXPIRY_GRACE_MS <= state.clock) graph.user(event.data.userId);
      else {
        const d = event.data;
        const slot = graph.tokens.add(d);
        graph.user(d.userId);
        tenantState(state.expiries, recorded.metadata.tenant, () => new SlotQueue()).add(expiryBucket(d.expiresAt), slot);
      }
    } else apply(graph, recorded);
    scheduleEnd(graph, recorded);
    evictExpired(state);
    return state;
  },
  revive(data) {
    const state = data as SessionGraphState;
    return {
      tenants: new Map([...state.tenants].map(([tenant, graph]) => [tenant, TenantGraph.revive(graph)])),
      expiries: reviveQueues(SlotQueue, state.expiries),
      clock: state.clock,
    };
  },
  snapshot: (state) =>
    canonical(
      new Map(
        [...state.tenants].map(([tenant, g]) => [
          tenant,
          {
            users: g.users,
            sessions: g.sessions,
            grants: g.grants,
            agents: g.agents,
            tokens: g.tokens.toMap(),
            devices: g.devices,
            children: g.children,
            lastActivity: g.lastActivity,
          },
        ]),
      ),
    ),
};

function apply(graph: TenantGraph, { event }: RecordedEvent): void {
  switch (event.type) {
    case 'SessionStarted':
      return sessionStarted(graph, event.data);
    case 'SessionActivityRecorded': {
      const previous = graph.lastActivity.get(event.data.sessionId);
      if (previous !== undefined) graph.lastActivity.set(event.data.sessionId, Math.max(previous, event.data.at));
      return;
    }
    case 'SessionEnded': {
      const session = graph.sessions.get(event.data.sessionId);
      if (session) session.ended = true;
      return;
    }
    case 'GrantIssued': {
      const d = event.data;
      graph.grants.set(d.grantId, {
        id: d.grantId,
        userId: d.userId,
        issuedAt: d.issuedAt,
        lineage: keptLineage(d.lineage),
        revoked: null,
        sessionId: d.sessionId,
        agentId: d.agentId,
        offlineAccess: d.offlineAccess,
        expiresAt: d.expiresAt,
      });
      graph.user(d.userId).grants.add(d.grantId);
      if (d.agentId) graph.childrenOf(`agent:${d.agentId}`).grants.add(d.grantId);
      else if (d.sessionId) graph.childrenOf(`session:${d.sessionId}`).grants.add(d.grantId);
      return;
    }
    case 'AgentSpawned': {
      const d = event.data;
      graph.agents.set(d.agentId, {
        id: d.agentId,
        userId: d.userId,
        issuedAt: d.spawnedAt,
        lineage: keptLineage(d.lineage),
        revoked: null,
        sessionId: d.sessionId,
        parentAgentId: d.parentAgentId,
        runtimeUrl: d.runtimeUrl,
        taskId: d.taskId,
      });
      graph.user(d.userId).agents.add(d.agentId);
      if (d.parentAgentId) graph.childrenOf(`agent:${d.parentAgentId}`).agents.add(d.agentId);
      else if (d.sessionId) graph.childrenOf(`session:${d.sessionId}`).agents.add(d.agentId);
      if (d.grantId) graph.childrenOf(`grant:${d.grantId}`).agents.add(d.agentId);
      return;
    }
    case 'SubjectRevoked':
      return subjectRevoked(graph, event.data);
    case 'AgentTaskEnded': {
      const agent = graph.agents.get(event.data.agentId);
      if (agent && (event.data.taskId === null || event.data.taskId === agent.taskId)) agent.taskState ??= event.data.state;
      return;
    }
    case 'AgentEnded': {
      const agent = graph.agents.get(event.data.agentId);
      if (agent) agent.ended = true;
      return;
    }
    // A user the tenant knows without any session yet (OP `activate`, identifiers linked) can
    // still be revoked: Global Revocation sets a not-before instant for them.
    case 'UserIdentityLinked':
    case 'AccountStateChanged':
      graph.user(event.data.userId);
      return;
    default:
      return;
  }
}

/**
 * When a node may leave the live graph: its expiry or its recorded end, and never before it has
 * been recorded for the grace period (so the durable graph, a little behind, has it by then).
 */
function scheduleEnd(graph: TenantGraph, { event, recordedAt }: RecordedEvent): void {
  switch (event.type) {
    case 'SessionStarted':
      if (event.data.expiresAt !== null) graph.endAt(`session:${event.data.sessionId}`, Math.max(event.data.expiresAt, recordedAt));
      return;
    case 'GrantIssued':
      if (event.data.expiresAt !== null) graph.endAt(`grant:${event.data.grantId}`, Math.max(event.data.expiresAt, recordedAt));
      return;
    case 'SessionEnded':
      return graph.endAt(`session:${event.data.sessionId}`, recordedAt);
    case 'AgentEnded':
      return graph.endAt(`agent:${event.data.agentId}`, recordedAt);
    default:
      return;
  }
}

/** Drops expired tokens, then ended nodes, from the live graph (their history is in the durable read models). */
function evictExpired(state: SessionGraphState): void {
  const current = clockBucket(state.clock);
  const expired = (expiresAt: number) => expiryBucket(expiresAt) < current;
  for (const [tenant, queue] of state.expiries) {
    const tokens = state.tenants.get(tenant)?.tokens;
    if (tokens) queue.popBefore(current, (slot) => tokens.evictSlot(slot, expired));
  }
  for (const graph of state.tenants.values()) graph.sweepEnded(current);
}

function sessionStarted(graph: TenantGraph, d: EventData<'SessionStarted'>): void {
  graph.sessions.set(d.sessionId, {
    id: d.sessionId,
    userId: d.userId,
    parentSessionId: d.parentSessionId,
    deviceId: d.deviceId,
    ancestors: keptIds(d.ancestors),
    authTime: d.authTime,
    startedAt: d.startedAt,
    expiresAt: d.expiresAt,
    ended: false,
    invalidated: null,
    revoked: null,
  });
  graph.user(d.userId).sessions.add(d.sessionId);
  graph.lastActivity.set(d.sessionId, d.startedAt);
  if (d.parentSessionId) graph.childrenOf(`session:${d.parentSessionId}`).sessions.add(d.sessionId);
  if (d.deviceId) {
    let device = graph.devices.get(d.deviceId);
    if (!device) {
      device = { sessions: new Set(), notBefore: null };
      graph.devices.set(d.deviceId, device);
    }
    device.sessions.add(d.sessionId);
  }
}

function subjectRevoked(graph: TenantGraph, d: EventData<'SubjectRevoked'>): void {
  const revocation = { terminationId: d.terminationId, at: d.notBefore ?? d.at };
  const { type, id } = d.subject;
  if (d.effect === 'NOT_BEFORE') {
    const holder = type === 'USER' ? graph.user(id) : graph.devices.get(id);
    if (holder && (!holder.notBefore || holder.notBefore.at < revocation.at)) holder.notBefore = revocation;
    return;
  }
  if (type === 'SESSION') {
    const session = graph.sessions.get(id);
    if (!session) return;
    if (d.effect === 'INVALIDATED') session.invalidated ??= revocation;
    else session.revoked ??= revocation;
    return;
  }
  if (type === 'TOKEN') return graph.tokens.revoke(id, revocation);
  const node = type === 'AGENT' ? graph.agents.get(id) : type === 'GRANT' ? graph.grants.get(id) : undefined;
  if (node) node.revoked ??= revocation;
}
