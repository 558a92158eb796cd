import type { DomainEvent, EventData, TerminationAppliedTypes } from '@killswitch/schemas';
import { deadlineVerdict } from './deadlines.ts';
import { DomainError } from './errors.ts';
import type { Descendants, GraphView, SessionNode, SubjectRef, TokenNode } from './graph.ts';

export type TerminationRequestedData = EventData<'TerminationRequested'>;
export type Scope = TerminationRequestedData['scope'];
type Ended = TerminationAppliedTypes.EndedSummary;
type Residual = TerminationAppliedTypes.ResidualExposure;

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
 * Decides what a termination ends. Only nodes still alive get a SubjectRevoked, so
 * re-applying a termination changes nothing. Descendants are not listed one by one:
 * their fixed lineage names the revoked node, which is what keeps Global Revocation O(1).
 */
export function decideTermination(command: RequestTermination, graph: GraphView): DomainEvent[] {
  const request = command.data;
  if (!targetAllowed(request.scope, request.target.type)) {
    throw new DomainError('ERR_SCOPE_TARGET', `scope ${request.scope} cannot target a ${request.target.type.toLowerCase()}`);
  }
  const userId = graph.userOf(request.target);
  if (userId === null) throw new DomainError('ERR_UNKNOWN_TARGET', `unknown ${request.target.type.toLowerCase()}`, 404);
  const plan = planFor(request, userId, graph);
  const revoked: DomainEvent[] = plan.marks.map((mark) => ({
    type: 'SubjectRevoked',
    data: { terminationId: request.terminationId, userId, at: request.requestedAt, ...mark },
  }));
  const applied: DomainEvent = {
    type: 'TerminationApplied',
    data: {
      terminationId: request.terminationId,
      userId,
      appliedAt: request.requestedAt,
      ended: plan.ended,
      residual: plan.residual,
      verdict: deadlineVerdict(request.ipsieLevel, request.requestedAt, plan.residual),
      noChange: revoked.length === 0,
    },
  };
  return [{ type: 'TerminationRequested', data: { ...request, userId } }, ...revoked, applied];
}

type Mark = Pick<EventData<'SubjectRevoked'>, 'subject' | 'effect' | 'notBefore' | 'expiresAt'>;
interface Plan {
  marks: Mark[];
  ended: Ended;
  residual: Residual;
}

function planFor(request: TerminationRequestedData, userId: string, graph: GraphView): Plan {
  switch (request.scope) {
    case 'GLOBAL_REVOCATION':
      return globalRevocation(request, userId, graph);
    case 'SESSION_SCOPED_REVOCATION':
    case 'TOKEN_REVOCATION':
      return scopedRevocation(request, userId, graph);
    case 'SESSION_INVALIDATION':
      return sessionInvalidation(request, userId, graph);
    default: {
      const unknown: never = request.scope;
      throw new Error(`unknown scope ${String(unknown)}`);
    }
  }
}

function globalRevocation(request: TerminationRequestedData, userId: string, graph: GraphView): Plan {
  const now = request.requestedAt;
  const covered = graph.descendants({ type: 'USER', id: userId });
  const previous = graph.userCutoff(userId);
  const marks: Mark[] =
    previous !== null && previous >= now
      ? []
      : [{ subject: { type: 'USER', id: userId }, effect: 'NOT_BEFORE', notBefore: now, expiresAt: null }];
  return { marks, ended: endedAmong(covered, graph, now), residual: residualOf(covered.tokens, now) };
}

function scopedRevocation(request: TerminationRequestedData, userId: string, graph: GraphView): Plan {
  const now = request.requestedAt;
  const roots = scopedRoots(request.target, userId, graph);
  const covered = mergeDescendants(roots.map((root) => graph.descendants(root)));
  const marks: Mark[] = [];
  for (const root of roots) {
    if (root.type === 'DEVICE') {
      const previous = graph.deviceCutoff(root.id);
      if (previous === null || previous < now) marks.push({ subject: root, effect: 'NOT_BEFORE', notBefore: now, expiresAt: null });
      continue;
    }
    const node = nodeOf(root, covered);
    if (node && !graph.isRevoked(node)) {
      marks.push({ subject: root, effect: 'REVOKED', notBefore: null, expiresAt: expiryOf(node) });
    }
  }
  const ended = endedAmong(covered, graph, now);
  if (request.target.type === 'DEVICE') ended.devices = [request.target.id];
  return { marks, ended, residual: residualOf(covered.tokens, now) };
}

function scopedRoots(target: SubjectRef, userId: string, graph: GraphView): SubjectRef[] {
  // A user-level session-scoped revocation ends every session (CAEP session-revoked naming only the user).
  if (target.type === 'USER') return graph.sessionsOfUser(userId).map((s) => ({ type: 'SESSION', id: s.id }));
  return [target];
}

function sessionInvalidation(request: TerminationRequestedData, userId: string, graph: GraphView): Plan {
  const now = request.requestedAt;
  const sessions = invalidationTargets(request.target, userId, graph).filter(
    (s) => !s.ended && !s.invalidated && !graph.isRevoked(s) && (s.expiresAt === null || s.expiresAt > now),
  );
  const marks: Mark[] = sessions.map((s) => ({
    subject: { type: 'SESSION', id: s.id },
    effect: 'INVALIDATED',
    notBefore: null,
    expiresAt: s.expiresAt,
  }));
  const ended = emptyEnded();
  ended.sessionsInvalidated = sessions.map((s) => s.id);
  if (request.revokeOnlineGrants) {
    // Back-channel logout: the session's refresh tokens go, offline_access grants survive.
    const ids = new Set(sessions.map((s) => s.id));
    const grants = mergeDescendants(sessions.map((s) => graph.descendants({ type: 'SESSION', id: s.id }))).grants.filter(
      (g) => g.sessionId !== null && ids.has(g.sessionId) && !g.offlineAccess && !graph.isRevoked(g),
    );
    for (const grant of grants) {
      marks.push({ subject: { type: 'GRANT', id: grant.id }, effect: 'REVOKED', notBefore: null, expiresAt: grant.expiresAt });
      ended.grants.push(grant.id);
      const tokens = graph.descendants({ type: 'GRANT', id: grant.id }).tokens;
      ended.tokens += tokens.filter((t) => t.expiresAt > now && !graph.isRevoked(t)).length;
    }
  }
  return { marks, ended, residual: emptyResidual() };
}

function invalidationTargets(target: SubjectRef, userId: string, graph: GraphView): SessionNode[] {
  if (target.type === 'USER') return graph.sessionsOfUser(userId);
  if (target.type === 'DEVICE') return graph.sessionsOfDevice(target.id);
  return graph.descendants(target).sessions; // the session and the sessions derived from it
}

function endedAmong(covered: Descendants, graph: GraphView, now: number): Ended {
  return {
    sessionsRevoked: covered.sessions.filter((s) => !s.ended && !graph.isRevoked(s) && alive(s.expiresAt, now)).map((s) => s.id),
    sessionsInvalidated: [],
    grants: covered.grants.filter((g) => !graph.isRevoked(g) && alive(g.expiresAt, now)).map((g) => g.id),
    agents: covered.agents.filter((a) => !graph.isRevoked(a)).map((a) => a.id),
    devices: [],
    tokens: covered.tokens.filter((t) => !graph.isRevoked(t) && t.expiresAt > now).length,
  };
}

/** Stateless JWTs validated offline cannot be recalled: they live until `exp` (oauth-token-lifecycle.md §6). */
export function residualOf(tokens: readonly TokenNode[], now: number): Residual {
  const residual = emptyResidual();
  for (const token of tokens) {
    if (token.format !== 'JWT' || token.expiresAt <= now) continue;
    const cls = token.binding === 'BEARER' ? residual.bearer : residual.deviceBound;
    cls.count += 1;
    cls.latestExpiry = Math.max(cls.latestExpiry ?? 0, token.expiresAt);
  }
  return residual;
}

const alive = (expiresAt: number | null, now: number) => expiresAt === null || expiresAt > now;
const emptyResidual = (): Residual => ({ bearer: { count: 0, latestExpiry: null }, deviceBound: { count: 0, latestExpiry: null } });
const emptyEnded = (): Ended => ({ sessionsRevoked: [], sessionsInvalidated: [], grants: [], agents: [], devices: [], tokens: 0 });

function nodeOf(ref: SubjectRef, covered: Descendants) {
  const list =
    ref.type === 'SESSION' ? covered.sessions : ref.type === 'GRANT' ? covered.grants : ref.type === 'AGENT' ? covered.agents : covered.tokens;
  return (list as Array<{ id: string }>).find((node) => node.id === ref.id) as SessionNode | TokenNode | undefined;
}

function expiryOf(node: { expiresAt?: number | null }): number | null {
  return node.expiresAt ?? null;
}

function mergeDescendants(parts: Descendants[]): Descendants {
  const unique = <T extends { id: string }>(items: T[]) => [...new Map(items.map((item) => [item.id, item])).values()];
  return {
    sessions: unique(parts.flatMap((p) => p.sessions)),
    grants: unique(parts.flatMap((p) => p.grants)),
    agents: unique(parts.flatMap((p) => p.agents)),
    tokens: unique(parts.flatMap((p) => p.tokens)),
  };
}
