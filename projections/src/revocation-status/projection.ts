import type { RecordedEvent } from '@killswitch/event-store';
import type { EventData, EventType } from '@killswitch/schemas';
import { canonical, tenantState, type Projection } from '../projection.ts';
import { clockBucket, EXPIRY_GRACE_MS, expiryBucket, ExpiryQueue, reviveQueues, SlotQueue } from '../hot/expiry-queue.ts';
import { TenantRevocationIndex, type RevocationStatusState } from './state.ts';

export { EXPIRY_GRACE_MS } from '../hot/expiry-queue.ts';

/**
 * The events this projection reads: lineage facts and revocations. They are the revocation feed
 * an enforcer's replica follows (over Kafka or the ledger's HTTP feed).
 */
export const REVOCATION_FEED_TYPES: ReadonlySet<EventType> = new Set([
  'SessionStarted',
  'SessionEnded',
  'AgentSpawned',
  'AgentEnded',
  'TokenMinted',
  'SubjectRevoked',
]);

export const revocationStatus: Projection<RevocationStatusState> = {
  name: 'revocation-status',
  initialState: () => ({ tenants: new Map(), expiries: new Map(), revokedExpiries: new Map(), clock: 0 }),
  evolve(state, recorded) {
    const index = tenantState(state.tenants, recorded.metadata.tenant, () => new TenantRevocationIndex());
    if (REVOCATION_FEED_TYPES.has(recorded.event.type)) {
      index.feedPosition = recorded.position;
      index.feedCount++;
    }
    applyEvent(state, index, recorded);
    state.clock = Math.max(state.clock, recorded.recordedAt);
    sweepExpired(state);
    return state;
  },
  revive(data) {
    const state = data as RevocationStatusState;
    return {
      tenants: new Map([...state.tenants].map(([tenant, index]) => [tenant, TenantRevocationIndex.revive(index)])),
      expiries: reviveQueues(SlotQueue, state.expiries),
      revokedExpiries: reviveQueues(ExpiryQueue<string>, state.revokedExpiries),
      clock: state.clock,
    };
  },
  snapshot: (state) =>
    canonical({
      tenants: new Map(
        [...state.tenants].map(([tenant, index]) => [
          tenant,
          {
            userNotBefores: index.userNotBefores,
            deviceNotBefores: index.deviceNotBefores,
            revokedSessions: index.revokedSessions,
            invalidatedSessions: index.invalidatedSessions,
            revokedAgents: index.revokedAgents,
            revokedGrants: index.revokedGrants,
            revokedTokens: index.revokedTokens,
            sessions: index.sessions.toMap(),
            agents: index.agents,
            tokens: index.tokens.toMap(),
          },
        ]),
      ),
      clock: state.clock,
    }),
};

function applyEvent(state: RevocationStatusState, index: TenantRevocationIndex, recorded: RecordedEvent): void {
  const { event } = recorded;
  switch (event.type) {
    case 'SessionStarted': {
      const d = event.data;
      const own = { sessions: [d.sessionId, ...d.ancestors], agents: [], grants: [], deviceId: d.deviceId };
      index.startSession(d.userId, own, d.startedAt, d.expiresAt);
      if (d.expiresAt !== null) index.ends.add(expiryBucket(Math.max(d.expiresAt, recorded.recordedAt)), d.sessionId);
      return;
    }
    case 'SessionEnded': {
      if (index.sessions.end(event.data.sessionId)) index.ends.add(expiryBucket(recorded.recordedAt), event.data.sessionId);
      return;
    }
    case 'AgentSpawned': {
      const d = event.data;
      const own = { ...d.lineage, agents: [d.agentId, ...d.lineage.agents] };
      index.spawnAgent(d.agentId, d.userId, own, d.lineage, d.spawnedAt);
      return;
    }
    case 'AgentEnded':
      if (index.agents.has(event.data.agentId)) index.agentEnds.add(expiryBucket(recorded.recordedAt), event.data.agentId);
      return;
    case 'TokenMinted': {
      const d = event.data;
      if (d.expiresAt + EXPIRY_GRACE_MS <= state.clock) return; // already dead: nothing to index
      const origin = index.originIdOf(d.userId, d.lineage);
      const slot = index.tokens.set(d.tokenId, origin, {
        expiresAt: d.expiresAt,
        issuedAt: d.issuedAt,
        kind: d.kind,
        format: d.format,
        binding: d.binding,
        bindingThumbprint: d.bindingThumbprint,
        clientId: d.clientId,
        scope: d.scope,
        sessionId: d.sessionId,
        agentId: d.agentId,
      });
      tenantState(state.expiries, recorded.metadata.tenant, () => new SlotQueue()).add(expiryBucket(d.expiresAt), slot);
      index.forgetReleased(); // a token minted again under another origin may free the old one
      return;
    }
    case 'SubjectRevoked':
      applyRevocation(state, index, recorded.metadata.tenant, event.data);
      return;
    default:
      return;
  }
}

function applyRevocation(state: RevocationStatusState, index: TenantRevocationIndex, tenant: string, d: EventData<'SubjectRevoked'>): void {
  const entry = { terminationId: d.terminationId, at: d.notBefore ?? d.at, expiresAt: d.expiresAt };
  const { type, id } = d.subject;
  if (d.effect === 'NOT_BEFORE') {
    const target = type === 'USER' ? index.userNotBefores : index.deviceNotBefores;
    const previous = target.get(id);
    if (!previous || previous.at < entry.at) {
      target.set(id, { terminationId: entry.terminationId, at: entry.at });
      if (type === 'USER') index.userCutoffs.set(index.dense.users.of(id), entry.at);
      else index.deviceCutoffs.set(index.dense.devices.of(id), entry.at);
    }
    return;
  }
  if (d.effect === 'INVALIDATED') {
    if (!index.invalidatedSessions.has(id)) index.invalidatedSessions.set(id, entry);
    return;
  }
  const target =
    type === 'SESSION'
      ? index.revokedSessions
      : type === 'AGENT'
        ? index.revokedAgents
        : type === 'GRANT'
          ? index.revokedGrants
          : type === 'TOKEN'
            ? index.revokedTokens
            : null;
  if (target && !target.has(id)) target.set(id, entry);
  // A flag holds its dense id for good (the revocation entry it stands for is kept too).
  if (type === 'SESSION') index.sessionFlags.add(index.dense.sessions.acquire(id));
  else if (type === 'AGENT') index.agentFlags.add(index.dense.agents.acquire(id));
  else if (type === 'GRANT') index.grantFlags.add(index.dense.grants.acquire(id));
  // A revoked token's entry leaves with its expiry (a live token is scheduled by its slot when minted).
  if (type === 'TOKEN' && d.expiresAt !== null)
    tenantState(state.revokedExpiries, tenant, () => new ExpiryQueue<string>()).add(expiryBucket(d.expiresAt), id);
}

/**
 * Drops tokens (and their revocation entries) once they would have expired anyway, and sessions
 * once they have ended or expired, in expiry order; then what only they held (origins, dense ids).
 */
function sweepExpired(state: RevocationStatusState): void {
  const current = clockBucket(state.clock);
  for (const index of state.tenants.values()) {
    for (const id of index.ends.popBefore(current)) index.leaveIfEnded(id, current);
    for (const id of index.agentEnds.popBefore(current)) index.agentLeaves(id);
  }
  const expired = (expiresAt: number) => expiryBucket(expiresAt) < current;
  for (const [tenant, queue] of state.expiries) {
    const tokens = state.tenants.get(tenant)?.tokens;
    if (tokens) queue.popBefore(current, (slot) => tokens.evictIfExpired(slot, expired));
  }
  for (const [tenant, queue] of state.revokedExpiries) {
    const index = state.tenants.get(tenant);
    if (!index) continue;
    for (const id of queue.popBefore(current)) {
      const slot = index.tokens.slot(id);
      if (slot >= 0) index.tokens.evictIfExpired(slot, expired);
      const revoked = index.revokedTokens.get(id);
      if (revoked?.expiresAt != null && expiryBucket(revoked.expiresAt) < current) index.revokedTokens.delete(id);
    }
  }
  for (const index of state.tenants.values()) index.forgetReleased();
}
