import type { DomainEvent, EventData, TerminationAppliedTypes } from '@killswitch/schemas';
import { deadlineVerdict } from './deadlines.ts';
import { DomainError } from './errors.ts';
import type { AgentNode, Descendants, GrantNode, GraphView, SessionNode, SubjectRef, TokenNode, TokenTally } from './graph.ts';
import { isNodeRevoked } from './node-lineage.ts';
import { beforeTermination } from './before-termination.ts';

export type TerminationRequestedData = EventData<'TerminationRequested'>;
export type Scope = TerminationRequestedData['scope'];
type Ended = TerminationAppliedTypes.EndedSummary;
type Residual = TerminationAppliedTypes.ResidualExposure;
type Mark = EventData<'SubjectRevoked'>;

export interface RequestTermination {
  type: 'RequestTermination';
  data: TerminationRequestedData;
}

/** Which targets each scope accepts (DESIGN.md §2). */
const TARGETS: Record<Scope, readonly SubjectRef['type'][]> = {
  SESSION_INVALIDATION: ['USER', 'SESSION', 'DEVICE'],
  SESSION_SCOPED_REVOCATION: ['USER', 'SESSION', 'DEVICE', 'AGENT', 'GRANT'],
  GLOBAL_REVOCATION: ['USER'],
  TOKEN_REVOCATION: ['TOKEN'],
};

export function targetAllowed(scope: Scope, target: SubjectRef['type']): boolean {
  return TARGETS[scope].includes(target);
}

/**
 * Step 1, the kill: decides which nodes to mark. Only nodes still alive get a SubjectRevoked,
 * so re-applying a termination changes nothing. Descendants are not listed one by one: their
 * fixed lineage names the marked node, which keeps Global Revocation O(1) to apply.
 */
export function decideTermination(command: RequestTermination, graph: GraphView): DomainEvent[] {
  const request = command.data;
  if (!targetAllowed(request.scope, request.target.type)) {
    throw new DomainError('ERR_SCOPE_TARGET', `scope ${request.scope} cannot target a ${request.target.type.toLowerCase()}`);
  }
  const userId = graph.userOf(request.target);
  if (userId === null) throw new DomainError('ERR_UNKNOWN_TARGET', `unknown ${request.target.type.toLowerCase()}`, 404);
  const base = { terminationId: request.terminationId, userId, at: request.requestedAt };
  const marks: Mark[] = marksFor(request, userId, graph).map((mark) => ({ ...base, ...mark }));
  return [
    { type: 'TerminationRequested', data: { ...request, userId } },
    ...marks.map((data) => ({ type: 'SubjectRevoked' as const, data })),
  ];
}

type MarkBody = Pick<Mark, 'subject' | 'effect' | 'notBefore' | 'expiresAt' | 'previousNotBefore'>;

function marksFor(request: TerminationRequestedData, userId: string, graph: GraphView): MarkBody[] {
  const now = request.requestedAt;
  switch (request.scope) {
    case 'GLOBAL_REVOCATION': {
      const previous = graph.userCutoff(userId);
      if (previous !== null && previous >= now) return [];
      return [
        { subject: { type: 'USER', id: userId }, effect: 'NOT_BEFORE', notBefore: now, previousNotBefore: previous, expiresAt: null },
      ];
    }
    case 'SESSION_SCOPED_REVOCATION':
    case 'TOKEN_REVOCATION':
      return scopedRoots(request.target, userId, graph).flatMap((root): MarkBody[] => {
        if (root.type === 'DEVICE') {
          const previous = graph.deviceCutoff(root.id);
          if (previous !== null && previous >= now) return [];
          return [{ subject: root, effect: 'NOT_BEFORE', notBefore: now, previousNotBefore: previous, expiresAt: null }];
        }
        const node = graph.node(root);
        if (!node || isNodeRevoked(node, graph)) return [];
        return [
          {
            subject: root,
            effect: 'REVOKED',
            notBefore: null,
            previousNotBefore: null,
            expiresAt: ('expiresAt' in node ? node.expiresAt : null) ?? null,
          },
        ];
      });
    case 'SESSION_INVALIDATION':
      return invalidationMarks(request, userId, graph);
    default: {
      const unknown: never = request.scope;
      throw new Error(`unknown scope ${String(unknown)}`);
    }
  }
}

function scopedRoots(target: SubjectRef, userId: string, graph: GraphView): SubjectRef[] {
  // A user-level session-scoped revocation ends every session (CAEP session-revoked naming only the user).
  if (target.type === 'USER') return graph.sessionsOfUser(userId).map((s) => ({ type: 'SESSION', id: s.id }));
  return [target];
}

function invalidationMarks(request: TerminationRequestedData, userId: string, graph: GraphView): MarkBody[] {
  const now = request.requestedAt;
  const sessions = invalidationTargets(request.target, userId, graph).filter(
    (s) => !s.ended && !s.invalidated && !isNodeRevoked(s, graph) && (s.expiresAt === null || s.expiresAt > now),
  );
  const marks: MarkBody[] = sessions.map((s) => ({
    subject: { type: 'SESSION', id: s.id },
    effect: 'INVALIDATED',
    notBefore: null,
    previousNotBefore: null,
    expiresAt: s.expiresAt,
  }));
  if (request.revokeOnlineGrants) {
    // Back-channel logout: the sessions' refresh tokens issued without offline_access go, one by
    // one. Never their grants: that would take the grant's access tokens, which survive SI.
    for (const token of sessionRefreshTokensOf(sessions, graph, now)) marks.push(revokeToken(token));
  }
  return marks;
}

/** "Revoke this refresh token": the token alone, not its family. */
const revokeToken = (token: TokenNode): MarkBody => ({
  subject: { type: 'TOKEN', id: token.id },
  effect: 'REVOKED',
  notBefore: null,
  previousNotBefore: null,
  expiresAt: token.expiresAt,
});

/**
 * Live refresh tokens issued to these sessions themselves (not to agents spawned from them,
 * which survive Session Invalidation), except those of `offline_access` grants.
 */
function sessionRefreshTokensOf(sessions: SessionNode[], graph: GraphView, now: number): TokenNode[] {
  const ids = new Set(sessions.map((s) => s.id));
  const tokens = mergeDescendants(sessions.map((s) => graph.descendants({ type: 'SESSION', id: s.id }))).tokens;
  return tokens.filter((token) => {
    if (token.kind !== 'REFRESH' || token.expiresAt <= now || isNodeRevoked(token, graph)) return false;
    if (token.lineage.agents.length > 0 || !ids.has(token.lineage.sessions[0] ?? '')) return false;
    const grantId = token.lineage.grants[0];
    const grant = grantId === undefined ? undefined : (graph.node({ type: 'GRANT', id: grantId }) as GrantNode | undefined);
    return !grant?.offlineAccess;
  });
}

function invalidationTargets(target: SubjectRef, userId: string, graph: GraphView): SessionNode[] {
  if (target.type === 'USER') return graph.sessionsOfUser(userId);
  if (target.type === 'DEVICE') return graph.sessionsOfDevice(target.id);
  return graph.descendants(target).sessions; // the session and the sessions derived from it
}

/**
 * Step 2, the receipt: what the marks ended and what stays alive, computed on the graph as
 * it was just before this termination (its own marks set aside), once the kill is durable.
 */
export function summarizeTermination(
  request: TerminationRequestedData & { userId: string },
  marks: readonly Mark[],
  graph: GraphView,
): EventData<'TerminationApplied'> {
  const cutoffs = marks.filter((m) => m.effect === 'NOT_BEFORE');
  const before = beforeTermination(graph, request.terminationId, {
    user: cutoffs.find((m) => m.subject.type === 'USER')?.previousNotBefore ?? null,
    devices: new Map(cutoffs.filter((m) => m.subject.type === 'DEVICE').map((m) => [m.subject.id, m.previousNotBefore])),
  });
  const now = request.requestedAt;
  let ended: Ended;
  let residual: Residual;
  if (request.scope === 'SESSION_INVALIDATION') {
    ended = emptyEnded();
    ended.sessionsInvalidated = marks.filter((m) => m.effect === 'INVALIDATED').map((m) => m.subject.id);
    // The refresh tokens back-channel logout revoked alongside (access tokens survive SI).
    ended.tokens = marks.filter((m) => m.subject.type === 'TOKEN').length;
    ended.refreshTokens = ended.tokens; // only refresh tokens are marked under Session Invalidation
    residual = emptyResidual();
  } else {
    const roots =
      request.scope === 'GLOBAL_REVOCATION'
        ? [{ type: 'USER' as const, id: request.userId }]
        : scopedRoots(request.target, request.userId, graph);
    // The tokens are tallied from the graph's columns where it can (no node per token), listed otherwise.
    const tally = graph.tokenTally?.(request.userId, roots, before, now) ?? null;
    const covered = mergeDescendants(roots.map((root) => graph.descendants(root, { withoutTokens: tally !== null })));
    ended = endedAmong(covered, before, now, tally);
    if (request.target.type === 'DEVICE' && marks.length > 0) ended.devices = [request.target.id];
    residual = tally ? tally.residual : residualOf(covered.tokens, now);
  }
  return {
    terminationId: request.terminationId,
    userId: request.userId,
    appliedAt: now,
    ended,
    residual,
    verdict: deadlineVerdict(request.ipsieLevel, now, residual),
    noChange: marks.length === 0,
  };
}

function endedAmong(covered: Descendants, before: GraphView, now: number, tally: TokenTally | null): Ended {
  return {
    sessionsRevoked: covered.sessions.filter((s) => !s.ended && alive(s.expiresAt, now) && !isNodeRevoked(s, before)).map((s) => s.id),
    sessionsInvalidated: [],
    grants: covered.grants.filter((g) => alive(g.expiresAt, now) && !isNodeRevoked(g, before)).map((g) => g.id),
    agents: covered.agents.filter((a) => !isNodeRevoked(a, before)).map((a) => a.id),
    devices: [],
    ...(tally ? tally.live : countLive(covered.tokens, before, now)),
    agentTasksCancelled: covered.agents
      .filter((a) => !isNodeRevoked(a, before) && a.taskId && a.runtimeUrl && !hasNoLiveTask(a))
      .map((a) => a.id),
    agentTasksTerminal: covered.agents.filter((a) => !isNodeRevoked(a, before) && hasNoLiveTask(a)).map((a) => a.id),
  };
}

/** Live tokens ended, split by what ending them means: refresh, reference (stopped now), stateless (see residual). */
function countLive(
  tokens: readonly TokenNode[],
  before: GraphView,
  now: number,
): Pick<Ended, 'tokens' | 'refreshTokens' | 'referenceTokens' | 'statelessTokens'> {
  const counts = { tokens: 0, refreshTokens: 0, referenceTokens: 0, statelessTokens: 0 };
  for (const token of tokens) {
    if (token.expiresAt <= now || isNodeRevoked(token, before)) continue;
    counts.tokens++;
    if (token.kind === 'REFRESH') counts.refreshTokens++;
    else if (token.format === 'REFERENCE') counts.referenceTokens++;
    else counts.statelessTokens++;
  }
  return counts;
}

/**
 * Stateless JWTs validated offline cannot be recalled: they live until `exp` (oauth-token-lifecycle.md §6).
 * A refresh token is not among them, whatever its format: only the RP's token endpoint takes it, and it asks the ledger.
 */
export function residualOf(tokens: readonly TokenNode[], now: number): Residual {
  const residual = emptyResidual();
  for (const token of tokens) {
    if (token.format !== 'JWT' || token.kind === 'REFRESH' || token.expiresAt <= now) continue;
    const cls = token.binding === 'BEARER' ? residual.bearer : residual.deviceBound;
    cls.count += 1;
    cls.latestExpiry = Math.max(cls.latestExpiry ?? 0, token.expiresAt);
  }
  return residual;
}

/** An agent whose task already ended (or that stopped): nothing to cancel, and not counted as cancelled. */
export const hasNoLiveTask = (agent: AgentNode) => Boolean(agent.taskId) && (Boolean(agent.taskState) || agent.ended === true);

const alive = (expiresAt: number | null, now: number) => expiresAt === null || expiresAt > now;
const emptyResidual = (): Residual => ({ bearer: { count: 0, latestExpiry: null }, deviceBound: { count: 0, latestExpiry: null } });
const emptyEnded = (): Ended => ({
  sessionsRevoked: [],
  sessionsInvalidated: [],
  grants: [],
  agents: [],
  devices: [],
  tokens: 0,
  refreshTokens: 0,
  referenceTokens: 0,
  statelessTokens: 0,
  agentTasksCancelled: [],
  agentTasksTerminal: [],
});

function mergeDescendants(parts: Descendants[]): Descendants {
  if (parts.length === 1) return parts[0] as Descendants;
  const unique = <T extends { id: string }>(items: T[]) => [...new Map(items.map((item) => [item.id, item])).values()];
  return {
    sessions: unique(parts.flatMap((p) => p.sessions)),
    grants: unique(parts.flatMap((p) => p.grants)),
    agents: unique(parts.flatMap((p) => p.agents)),
    tokens: unique(parts.flatMap((p) => p.tokens)),
  };
}
