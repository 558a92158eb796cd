import type { AgentNode, GrantNode, SessionNode, SubjectRef } from '@killswitch/domain';
import { stateOf, type NodeState, type TenantGraph, type TerminationRecord } from '@killswitch/projections';

type NodeCoverage = { id: string; ended: boolean; state: NodeState };
/** `ended_earlier`: the agent had already been revoked by an earlier termination. */
type AgentTask = 'cancelled' | 'already_terminal' | 'cancellation_failed' | 'cancelling' | 'no_task' | 'ended_earlier';

/**
 * Did a termination reach everything it should have? Every session, grant and agent of its
 * target that existed when it was requested, as the live graph has them now; every enforcer
 * that was live when propagation completed; what stateless exposure remains and until when.
 * Nodes created after the termination (a new sign-in) are not the termination's business.
 */
export function coverageOf(record: TerminationRecord, graph: TenantGraph | undefined, now: number) {
  const { request, applied } = record;
  const root: SubjectRef =
    request.scope === 'GLOBAL_REVOCATION' && request.userId
      ? { type: 'USER', id: request.userId }
      : { type: request.target.type, id: request.target.id };
  const below = graph?.descendants(root) ?? { sessions: [], grants: [], agents: [], tokens: [] };
  const before = (issuedAt: number) => issuedAt <= request.requestedAt;
  const cover = (node: SessionNode | GrantNode | AgentNode): NodeCoverage => {
    const state = graph ? stateOf(graph, node, now) : 'live';
    return { id: node.id, state, ended: state !== 'live' };
  };
  // Session Invalidation ends sessions only: grants, tokens and agents survive it by definition.
  const sessionsOnly = request.scope === 'SESSION_INVALIDATION';
  const sessions = below.sessions.filter((s) => before(s.startedAt)).map(cover);
  const grants = sessionsOnly ? [] : below.grants.filter((g) => before(g.issuedAt)).map(cover);
  const agents = sessionsOnly
    ? []
    : below.agents.filter((a) => before(a.issuedAt)).map((a) => ({ ...cover(a), task: agentTask(record, a) }));
  const expected = record.propagation.completed?.enforcers ?? null;
  const appliedBy = Object.entries(record.propagation.enforcers).map(([enforcerId, appliedAt]) => ({ enforcerId, appliedAt }));
  const missing = expected ? expected.filter((id) => record.propagation.enforcers[id] === undefined) : null;
  const nodesEnded = [...sessions, ...grants, ...agents].every((n) => n.ended);
  const residual = applied?.residual ?? { bearer: { count: 0, latestExpiry: null }, deviceBound: { count: 0, latestExpiry: null } };
  const latest = [residual.bearer.latestExpiry, residual.deviceBound.latestExpiry].filter((v): v is number => v !== null);
  return {
    terminationId: record.terminationId,
    scope: request.scope.toLowerCase(),
    target: { type: request.target.type.toLowerCase(), id: request.target.id },
    userId: request.userId,
    applied: applied !== null,
    nodes: { allEnded: nodesEnded, sessions, grants, agents },
    enforcers: {
      /** Every enforcer live when propagation completed has applied it (null: propagation not complete yet). */
      allApplied: missing === null ? null : missing.length === 0,
      applied: appliedBy,
      missing,
    },
    residual: {
      bearer: residual.bearer,
      deviceBound: residual.deviceBound,
      /** Until when stateless tokens ended by it stay cryptographically valid (null: none). */
      until: latest.length > 0 ? Math.max(...latest) : null,
      stillValidNow: latest.some((t) => t > now),
    },
    /** Refused presentations of what it ended, since it was applied: the same compromise still going. */
    attemptsSince: { count: record.attempts.count, lastAt: record.attempts.lastAt, sources: record.attempts.sources },
    complete: applied !== null && nodesEnded && missing !== null && missing.length === 0,
  };
}

function agentTask(record: TerminationRecord, agent: AgentNode): AgentTask {
  if (!agent.taskId || !agent.runtimeUrl) return 'no_task';
  if (record.applied?.ended.agentTasksTerminal.includes(agent.id)) return 'already_terminal';
  const outcomes = record.agentCancellations.filter((c) => c.agentId === agent.id);
  if (outcomes.some((c) => !('error' in c))) return 'cancelled';
  if (outcomes.some((c) => 'final' in c && c.final)) return 'cancellation_failed';
  return record.applied?.ended.agentTasksCancelled.includes(agent.id) ? 'cancelling' : 'ended_earlier';
}
