import { useState } from 'preact/hooks';
import type { Api, BlastRadius, SessionEntry, Termination, TerminationListItem } from '../api.ts';
import { ErrorMessage, href, Loading, nodeHref, ResidualText, Section, StateBadge, time, useLoad } from '../ui.tsx';

const SESSION_STATE: Record<string, string> = {
  active: 'live',
  invalidated: 'invalidated',
  revoked: 'revoked',
  ended: 'ended',
  expired: 'expired',
};

export function UserPage({ api, userId }: { api: Api; userId: string }) {
  const user = encodeURIComponent(userId);
  const sessions = useLoad(() => api.get<{ sessions: SessionEntry[] }>(`/users/${user}/sessions`), [userId]);
  const radius = useLoad(() => api.get<BlastRadius>(`/blast-radius/user/${user}`), [userId]);
  const terminations = useLoad(() => api.get<{ terminations: TerminationListItem[] }>('/terminations', { userId, limit: 20 }), [userId]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ error?: unknown; done?: Termination[] }>({});

  const signOut = async (sessionId: string) => {
    setOutcome({});
    try {
      const result = await api.post<{ terminations: Termination[] }>(
        `/users/${user}/sessions/${encodeURIComponent(sessionId)}/sign-out`,
        {},
      );
      setOutcome({ done: result.terminations });
      sessions.reload();
      radius.reload();
      terminations.reload();
    } catch (error) {
      setOutcome({ error });
    } finally {
      setConfirming(null);
    }
  };

  return (
    <>
      <h1>
        User {userId}{' '}
        <a class="small" href={nodeHref('user', userId)}>
          Graph
        </a>
      </h1>
      <ErrorMessage error={outcome.error} />
      {outcome.done && (
        <p role="status" class="ok">
          Signed out: {outcome.done.map((t) => t.target.id).join(', ')}.{' '}
          {outcome.done[0] && <a href={href(`/termination/${encodeURIComponent(outcome.done[0].terminationId)}`)}>See the termination</a>}
        </p>
      )}
      <Section title="Sessions">
        {sessions.loading && <Loading what="sessions" />}
        <ErrorMessage error={sessions.error} />
        {sessions.data && sessions.data.sessions.length === 0 && <p>No sessions recorded for this user.</p>}
        {sessions.data && sessions.data.sessions.length > 0 && (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Sessions of {userId}</caption>
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Device</th>
                  <th scope="col">IP</th>
                  <th scope="col">User agent</th>
                  <th scope="col">Last activity</th>
                  <th scope="col">Status</th>
                  {api.can('respond') && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {sessions.data.sessions.map((s) => (
                  <tr key={s.sessionId} data-session={s.sessionId}>
                    <th scope="row">
                      <a href={nodeHref('session', s.sessionId)}>{s.sessionId}</a>
                      {s.parentSessionId && <span class="muted"> (from {s.parentSessionId})</span>}
                    </th>
                    <td>{s.deviceId ? <a href={nodeHref('device', s.deviceId)}>{s.deviceId}</a> : '—'}</td>
                    <td>{s.ip ?? '—'}</td>
                    <td>{s.userAgent ?? '—'}</td>
                    <td>{time(s.lastActivityAt)}</td>
                    <td>
                      <StateBadge state={SESSION_STATE[s.status] ?? s.status} />
                    </td>
                    {api.can('respond') && (
                      <td>
                        {(s.status === 'active' || s.status === 'invalidated') && s.parentSessionId === null ? (
                          confirming === s.sessionId ? (
                            <span class="confirm">
                              <button type="button" class="danger" onClick={() => signOut(s.sessionId)}>
                                Confirm sign-out of {s.sessionId}
                              </button>
                              <button type="button" onClick={() => setConfirming(null)}>
                                Cancel
                              </button>
                            </span>
                          ) : (
                            <button type="button" aria-label={`Sign out session ${s.sessionId}`} onClick={() => setConfirming(s.sessionId)}>
                              Sign out
                            </button>
                          )
                        ) : (
                          '—'
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Agents and tokens">
        {radius.loading && <Loading what="agents and tokens" />}
        <ErrorMessage error={radius.error} />
        {radius.data && (
          <>
            <ul class="inline-list" aria-label="Agents">
              {radius.data.descendants.agents.length === 0 && <li>No agents.</li>}
              {radius.data.descendants.agents.map((a) => (
                <li key={a.id}>
                  <a href={nodeHref('agent', a.id)}>{a.id}</a> <StateBadge state={a.state} />
                </li>
              ))}
            </ul>
            <p>
              Tokens: {radius.data.descendants.tokens.live} live, {radius.data.descendants.tokens.revoked} revoked,{' '}
              {radius.data.descendants.tokens.expired} expired. If revoked now: <ResidualText residual={radius.data.exposureIfRevokedNow} />
            </p>
          </>
        )}
      </Section>
      <Section title="Terminations">
        {terminations.loading && <Loading what="terminations" />}
        <ErrorMessage error={terminations.error} />
        {terminations.data && terminations.data.terminations.length === 0 && <p>No terminations for this user.</p>}
        {terminations.data && terminations.data.terminations.length > 0 && (
          <ul aria-label="Terminations of this user">
            {terminations.data.terminations.map((t) => (
              <li key={t.terminationId}>
                <a href={href(`/termination/${encodeURIComponent(t.terminationId)}`)}>
                  {time(t.recordedAt)}: {t.scope.replace(/_/g, ' ')} of {t.target.type} {t.target.id}
                </a>{' '}
                <span class="muted">from {t.source}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
