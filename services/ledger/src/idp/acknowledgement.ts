import type { EventData } from '@killswitch/schemas';

type Applied = EventData<'TerminationApplied'>;

/**
 * What terminations ended and what is still alive, as the IdP is told (OP Commands' response
 * member, the receipt SET): the same field names everywhere, times in NumericDate seconds.
 *
 * - `sessions`, `grants`, `agents`: nodes ended;
 * - `tokens`: live tokens ended, split into `refresh_tokens`, `reference_tokens` (opaque access
 *   and agent tokens: stopped now, they are only good through the ledger) and `stateless_tokens`
 *   (JWTs: refused at every online check, yet cryptographically valid until `exp`, see `residual`);
 * - `agent_tasks_cancelled`: live agent tasks the ledger cancels (A2A CancelTask);
 *   `agent_tasks_already_terminal`: revoked agents whose task had already ended: not cancelled;
 * - `residual.bearer` / `residual.device_bound`: stateless tokens still valid offline, with the latest `exp`.
 */
export function acknowledgement(applied: readonly Applied[]) {
  const sum = (pick: (a: Applied) => number) => applied.reduce((n, a) => n + pick(a), 0);
  const latest = (pick: (a: Applied) => number | null) => {
    const present = applied.map(pick).filter((v): v is number => v !== null);
    return present.length > 0 ? Math.floor(Math.max(...present) / 1000) : null;
  };
  return {
    ended: {
      sessions: sum((a) => a.ended.sessionsRevoked.length + a.ended.sessionsInvalidated.length),
      grants: sum((a) => a.ended.grants.length),
      agents: sum((a) => a.ended.agents.length),
      tokens: sum((a) => a.ended.tokens),
      refresh_tokens: sum((a) => a.ended.refreshTokens),
      reference_tokens: sum((a) => a.ended.referenceTokens),
      stateless_tokens: sum((a) => a.ended.statelessTokens),
      agent_tasks_cancelled: sum((a) => a.ended.agentTasksCancelled.length),
      agent_tasks_already_terminal: sum((a) => a.ended.agentTasksTerminal.length),
    },
    residual: {
      bearer: { count: sum((a) => a.residual.bearer.count), latest_exp: latest((a) => a.residual.bearer.latestExpiry) },
      device_bound: { count: sum((a) => a.residual.deviceBound.count), latest_exp: latest((a) => a.residual.deviceBound.latestExpiry) },
    },
  };
}
