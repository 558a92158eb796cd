import { decideIssuance, decideSession, DomainError, streamId, type IssuanceCommand, type SessionState } from '@killswitch/domain';
import type { AppendRequest, ExpectedRevision } from '@killswitch/event-store';
import type { DomainEvent, EventData } from '@killswitch/schemas';
import { identifierKey } from '@killswitch/protocols';
import type { Fact, TokenClaims } from './facts.ts';
import type { LineageResolver } from './lineage-resolver.ts';

export interface PlannedFact {
  streamId: string;
  expected: ExpectedRevision;
  events: DomainEvent[];
}

/** A fact of a batch broke an invariant: the whole batch is refused and nothing is appended. */
export class FactRejected extends DomainError {
  constructor(
    readonly index: number,
    cause: DomainError,
  ) {
    super(cause.code, `facts[${index}]: ${cause.message}`, cause.status);
  }
}

type Planner<F> = (fact: F, resolver: LineageResolver, tenant: string, now: number, coalesceMs: number) => PlannedFact;
type FactOf<T extends Fact['type']> = Extract<Fact, { type: T }>;

const sessionStarted: Planner<FactOf<'session.started'>> = (fact, resolver, tenant, now) => {
  const parent = fact.parentSessionId ? resolver.session(fact.parentSessionId) : undefined;
  if (fact.parentSessionId && !parent) throw new DomainError('ERR_UNKNOWN_REFERENCE', `unknown session ${fact.parentSessionId}`);
  if (parent && parent.userId !== fact.userId)
    throw new DomainError('ERR_LINEAGE_MISMATCH', "a derived session belongs to its parent's user");
  const startedAt = fact.startedAt ?? now;
  const data: EventData<'SessionStarted'> = {
    sessionId: fact.sessionId,
    userId: fact.userId,
    parentSessionId: fact.parentSessionId ?? null,
    deviceId: fact.deviceId ?? parent?.deviceId ?? null,
    idpIssuer: fact.idpIssuer ?? null,
    idpSid: fact.idpSid ?? null,
    idpDeviceId: fact.idpDeviceId ?? null,
    idpSubject: fact.idpSubject ?? null,
    clientId: fact.clientId ?? null,
    ip: fact.ip ?? null,
    userAgent: fact.userAgent ?? null,
    acr: fact.acr ?? null,
    amr: fact.amr ?? [],
    authTime: fact.authTime ?? startedAt,
    startedAt,
    expiresAt: fact.expiresAt ?? null,
    ancestors: parent && fact.parentSessionId ? [fact.parentSessionId, ...parent.ancestors] : [],
  };
  const events = decideSession({ type: 'StartSession', data }, sessionState(resolver, fact.sessionId));
  if (events.length > 0) {
    resolver.sessions.set(fact.sessionId, {
      userId: data.userId,
      ancestors: data.ancestors,
      deviceId: data.deviceId,
      ended: false,
      lastActivityAt: startedAt,
    });
  }
  return { streamId: streamId.session(tenant, fact.sessionId), expected: 'no_stream', events };
};

const sessionActivity: Planner<FactOf<'session.activity'>> = (fact, resolver, tenant, now, coalesceMs) => {
  const state = sessionState(resolver, fact.sessionId);
  const data = { sessionId: fact.sessionId, userId: '', at: fact.at ?? now, ip: fact.ip ?? null, userAgent: fact.userAgent ?? null };
  const events = decideSession({ type: 'RecordActivity', data, coalesceMs }, state);
  const known = resolver.session(fact.sessionId);
  if (events.length > 0 && known) resolver.sessions.set(fact.sessionId, { ...known, lastActivityAt: data.at });
  return { streamId: streamId.session(tenant, fact.sessionId), expected: 'stream_exists', events };
};

const sessionEnded: Planner<FactOf<'session.ended'>> = (fact, resolver, tenant, now) => {
  const state = sessionState(resolver, fact.sessionId);
  if (state.status === 'none') throw new DomainError('ERR_UNKNOWN_REFERENCE', `unknown session ${fact.sessionId}`);
  const data = { sessionId: fact.sessionId, userId: state.started.userId, endedAt: fact.endedAt ?? now, reason: fact.reason ?? 'logout' };
  const events = decideSession({ type: 'EndSession', data }, state);
  const known = resolver.session(fact.sessionId);
  if (events.length > 0 && known) resolver.sessions.set(fact.sessionId, { ...known, ended: true });
  return { streamId: streamId.session(tenant, fact.sessionId), expected: 'stream_exists', events };
};

const grantIssued: Planner<FactOf<'grant.issued'>> = (fact, resolver, tenant, now) => {
  const { lineage, userId } = resolver.lineageOf({ sessionId: fact.sessionId, agentId: fact.agentId }, fact.userId);
  const data: EventData<'GrantIssued'> = {
    grantId: fact.grantId,
    userId,
    sessionId: fact.sessionId ?? null,
    agentId: fact.agentId ?? null,
    clientId: fact.clientId,
    offlineAccess: fact.offlineAccess ?? false,
    scope: fact.scope ?? null,
    issuedAt: fact.issuedAt ?? now,
    expiresAt: fact.expiresAt ?? null,
    lineage,
  };
  const planned = issue({ type: 'IssueGrant', data }, resolver.grant(fact.grantId)?.userId, streamId.grant(tenant, fact.grantId));
  if (planned.events.length > 0) resolver.grants.set(fact.grantId, { userId, lineage });
  return planned;
};

const agentSpawned: Planner<FactOf<'agent.spawned'>> = (fact, resolver, tenant, now) => {
  const { lineage, userId } = resolver.lineageOf(
    { sessionId: fact.sessionId, agentId: fact.parentAgentId, grantId: fact.grantId },
    fact.userId,
  );
  const parentSession = fact.sessionId ?? (fact.parentAgentId ? null : (lineage.sessions[0] ?? null));
  const data: EventData<'AgentSpawned'> = {
    agentId: fact.agentId,
    userId,
    sessionId: parentSession,
    parentAgentId: fact.parentAgentId ?? null,
    grantId: fact.grantId ?? null,
    runtimeUrl: fact.runtimeUrl ?? null,
    taskId: fact.taskId ?? null,
    spawnedAt: fact.spawnedAt ?? now,
    lineage,
  };
  const planned = issue({ type: 'SpawnAgent', data }, resolver.agent(fact.agentId)?.userId, streamId.agent(tenant, fact.agentId));
  if (planned.events.length > 0) resolver.agents.set(fact.agentId, { userId, lineage });
  return planned;
};

/** The owner of an agent the ledger knows (an unknown agent is refused, like any dangling reference). */
function agentOwner(resolver: LineageResolver, agentId: string): string {
  const owner = resolver.agent(agentId)?.userId;
  if (!owner) throw new DomainError('ERR_UNKNOWN_REFERENCE', `unknown agent ${agentId}`);
  return owner;
}

const agentTaskEnded: Planner<FactOf<'agent.task_ended'>> = (fact, resolver, tenant, now) => ({
  streamId: streamId.agent(tenant, fact.agentId),
  expected: 'stream_exists',
  events: [
    {
      type: 'AgentTaskEnded',
      data: {
        agentId: fact.agentId,
        userId: agentOwner(resolver, fact.agentId),
        taskId: fact.taskId ?? null,
        state: fact.state.toUpperCase() as EventData<'AgentTaskEnded'>['state'],
        endedAt: fact.endedAt ?? now,
      },
    },
  ],
});

const agentEnded: Planner<FactOf<'agent.ended'>> = (fact, resolver, tenant, now) => ({
  streamId: streamId.agent(tenant, fact.agentId),
  expected: 'stream_exists',
  events: [
    {
      type: 'AgentEnded',
      data: {
        agentId: fact.agentId,
        userId: agentOwner(resolver, fact.agentId),
        reason: fact.reason ?? null,
        endedAt: fact.endedAt ?? now,
      },
    },
  ],
});

const tokenMinted: Planner<FactOf<'token.minted'>> = (fact, resolver, tenant, now) => {
  const claims: TokenClaims = fact.claims ?? {};
  const tokenId = fact.tokenId ?? claims.jti;
  if (!tokenId) throw new DomainError('ERR_TOKEN_ID_REQUIRED', 'tokenId (or claims.jti) is required');
  const expiresAt = fact.expiresAt ?? (claims.exp !== undefined ? Math.floor(claims.exp * 1000) : undefined);
  if (expiresAt === undefined) throw new DomainError('ERR_EXPIRY_REQUIRED', 'expiresAt (or claims.exp) is required');
  const refs = { sessionId: fact.sessionId ?? claims.sid, agentId: fact.agentId ?? claims.agent_id, grantId: fact.grantId };
  const { lineage, userId } = resolver.lineageOf(refs, fact.userId ?? claims.sub);
  const binding = fact.binding ?? (claims.cnf?.jkt ? 'dpop' : claims.cnf?.['x5t#S256'] ? 'mtls' : 'bearer');
  const data: EventData<'TokenMinted'> = {
    tokenId,
    userId,
    kind: fact.kind.toUpperCase() as EventData<'TokenMinted'>['kind'],
    format: fact.format === 'jwt' ? 'JWT' : 'REFERENCE',
    binding: binding.toUpperCase() as EventData<'TokenMinted'>['binding'],
    bindingThumbprint: fact.bindingThumbprint ?? claims.cnf?.jkt ?? claims.cnf?.['x5t#S256'] ?? null,
    sessionId: refs.sessionId ?? null,
    grantId: refs.grantId ?? null,
    agentId: refs.agentId ?? null,
    clientId: fact.clientId ?? claims.client_id ?? null,
    scope: fact.scope ?? claims.scope ?? null,
    issuedAt: fact.issuedAt ?? (claims.iat !== undefined ? Math.floor(claims.iat * 1000) : now),
    expiresAt,
    lineage,
  };
  const planned = issue({ type: 'MintToken', data }, resolver.tokenOwner(tokenId), streamId.token(tenant, tokenId));
  if (planned.events.length > 0) resolver.tokens.set(tokenId, userId);
  return planned;
};

function identifierKeys(identifiers: ReadonlyArray<Record<string, unknown>>): string[] {
  try {
    return identifiers.map((identifier) => identifierKey(identifier));
  } catch (error) {
    throw new DomainError('ERR_SUBJECT_ID', (error as Error).message);
  }
}

const userLinked: Planner<FactOf<'user.linked'>> = (fact, _resolver, tenant, now) => {
  const identifiers = identifierKeys(fact.identifiers);
  return {
    streamId: `user-${tenant}:${fact.userId}`,
    expected: 'any',
    events: [{ type: 'UserIdentityLinked', data: { userId: fact.userId, identifiers, linkedAt: now } }],
  };
};

const deviceLinked: Planner<FactOf<'device.linked'>> = (fact, _resolver, tenant, now) => ({
  streamId: `device-${tenant}:${fact.deviceId}`,
  expected: 'any',
  events: [
    {
      type: 'DeviceIdentityLinked',
      data: { deviceId: fact.deviceId, userId: fact.userId ?? null, identifiers: identifierKeys(fact.identifiers), linkedAt: now },
    },
  ],
});

const tokenRotated: Planner<FactOf<'token.rotated'>> = (fact, resolver, tenant, now) => {
  const owner = resolver.tokenOwner(fact.tokenId);
  if (!owner) throw new DomainError('ERR_UNKNOWN_REFERENCE', `unknown token ${fact.tokenId}`);
  const grantId = resolver.tokenGrant(fact.tokenId);
  return {
    streamId: streamId.token(tenant, fact.tokenId),
    expected: 'stream_exists',
    events: [
      {
        type: 'RefreshTokenRotated',
        data: { tokenId: fact.tokenId, userId: owner, grantId, replacedBy: fact.replacedBy ?? null, rotatedAt: fact.rotatedAt ?? now },
      },
    ],
  };
};

function issue(command: IssuanceCommand, existingOwner: string | undefined, stream: string): PlannedFact {
  const state = existingOwner === undefined ? { exists: false as const } : { exists: true as const, userId: existingOwner };
  return { streamId: stream, expected: 'no_stream', events: decideIssuance(command, state) };
}

function sessionState(resolver: LineageResolver, sessionId: string): SessionState {
  const known = resolver.session(sessionId);
  if (!known) return { status: 'none' };
  const started = { userId: known.userId, startedAt: 0 } as EventData<'SessionStarted'>;
  return { status: known.ended ? 'ended' : 'active', started, lastActivityAt: known.lastActivityAt };
}

const PLANNERS: { [T in Fact['type']]: Planner<FactOf<T>> } = {
  'session.started': sessionStarted,
  'session.activity': sessionActivity,
  'session.ended': sessionEnded,
  'grant.issued': grantIssued,
  'agent.spawned': agentSpawned,
  'token.minted': tokenMinted,
  'user.linked': userLinked,
  'device.linked': deviceLinked,
  'token.rotated': tokenRotated,
  'agent.task_ended': agentTaskEnded,
  'agent.ended': agentEnded,
};

/** Turns a batch of facts into appends, in order. Any invalid fact refuses the whole batch. */
export function planFacts(
  facts: readonly Fact[],
  resolver: LineageResolver,
  tenant: string,
  now: number,
  coalesceMs: number,
): PlannedFact[] {
  return facts.map((fact, index) => {
    try {
      return (PLANNERS[fact.type] as Planner<Fact>)(fact, resolver, tenant, now, coalesceMs);
    } catch (error) {
      if (error instanceof DomainError) throw new FactRejected(index, error);
      throw error;
    }
  });
}

export const toAppendRequests = (planned: PlannedFact[], metadata: AppendRequest['events'][number]['metadata']): AppendRequest[] =>
  planned
    .filter((p) => p.events.length > 0)
    .map((p) => ({ streamId: p.streamId, expected: p.expected, events: p.events.map((event) => ({ event, metadata })) }));
