import { useState } from 'preact/hooks';
import type { Api, Termination, TerminationListItem } from '../api.ts';
import {
  ChoiceField,
  ErrorMessage,
  fromLocalInput,
  href,
  Loading,
  nodeHref,
  ResidualText,
  Section,
  time,
  TimeField,
  toLocalInput,
  useLoad,
} from '../ui.tsx';

const SOURCES: Array<[string, string]> = [
  ['', 'Any source'],
  ['ssf', 'SSF (CAEP/RISC)'],
  ['op_commands', 'OpenID Provider Commands'],
  ['global_token_revocation', 'Global Token Revocation'],
  ['backchannel_logout', 'Back-Channel Logout'],
  ['rfc7009', 'OAuth revocation (RFC 7009)'],
  ['api', 'API'],
  ['user', 'User sign-out'],
];
const SCOPES: Array<[string, string]> = [
  ['', 'Any scope'],
  ['session_invalidation', 'Session Invalidation'],
  ['session_scoped_revocation', 'Session-Scoped Revocation'],
  ['global_revocation', 'Global Revocation'],
  ['token_revocation', 'Token Revocation'],
];

export function TerminationsPage({ api, query }: { api: Api; query: URLSearchParams }) {
  const filter = {
    from: query.get('from') ?? undefined,
    to: query.get('to') ?? undefined,
    source: query.get('source') ?? undefined,
    scope: query.get('scope') ?? undefined,
  };
  const [form, setForm] = useState({
    from: filter.from ? toLocalInput(Number(filter.from)) : '',
    to: filter.to ? toLocalInput(Number(filter.to)) : '',
    source: filter.source ?? '',
    scope: filter.scope ?? '',
  });
  const [more, setMore] = useState<{ items: TerminationListItem[]; next: string | null; error?: unknown } | null>(null);
  const first = useLoad(async () => {
    setMore(null);
    return api.get<{ terminations: TerminationListItem[]; next: string | null }>('/terminations', { ...filter, limit: 50 });
  }, [query.toString()]);
  const items = [...(first.data?.terminations ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : (first.data?.next ?? null);
  const loadMore = async () => {
    try {
      const page = await api.get<{ terminations: TerminationListItem[]; next: string | null }>('/terminations', {
        ...filter,
        limit: 50,
        cursor: next ?? undefined,
      });
      setMore({ items: [...(more?.items ?? []), ...page.terminations], next: page.next });
    } catch (error) {
      setMore({ items: more?.items ?? [], next, error });
    }
  };
  return (
    <>
      <h1>Terminations</h1>
      <form
        class="filters"
        aria-label="Filter terminations"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = href('/terminations', {
            from: fromLocalInput(form.from),
            to: fromLocalInput(form.to),
            source: form.source,
            scope: form.scope,
          });
        }}
      >
        <TimeField label="From" value={form.from} onChange={(from) => setForm({ ...form, from })} />
        <TimeField label="To" value={form.to} onChange={(to) => setForm({ ...form, to })} />
        <ChoiceField label="Source" value={form.source} options={SOURCES} onChange={(source) => setForm({ ...form, source })} />
        <ChoiceField label="Scope" value={form.scope} options={SCOPES} onChange={(scope) => setForm({ ...form, scope })} />
        <button type="submit">Apply</button>
      </form>
      {first.loading && <Loading what="terminations" />}
      <ErrorMessage error={first.error} />
      {first.data && items.length === 0 && <p role="status">No terminations match.</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Terminations, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Recorded</th>
                <th scope="col">Scope</th>
                <th scope="col">Target</th>
                <th scope="col">User</th>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.terminationId} data-termination={t.terminationId}>
                  <th scope="row">
                    <a href={href(`/termination/${encodeURIComponent(t.terminationId)}`)}>{time(t.recordedAt)}</a>
                  </th>
                  <td>{t.scope.replace(/_/g, ' ')}</td>
                  <td>
                    <a href={nodeHref(t.target.type, t.target.id)}>
                      {t.target.type} {t.target.id}
                    </a>
                  </td>
                  <td>{t.userId ? <a href={href(`/user/${encodeURIComponent(t.userId)}`)}>{t.userId}</a> : '—'}</td>
                  <td>{t.source}</td>
                  <td>{t.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={more?.error} />
      {next && (
        <button type="button" onClick={loadMore}>
          Load more
        </button>
      )}
    </>
  );
}

export function TerminationPage({ api, terminationId }: { api: Api; terminationId: string }) {
  const {
    data: t,
    error,
    loading,
  } = useLoad(() => api.get<Termination>(`/terminations/${encodeURIComponent(terminationId)}`), [terminationId]);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [downloaded, setDownloaded] = useState<string | null>(null);
  if (loading) return <Loading what="the termination" />;
  if (error || !t) return <ErrorMessage error={error ?? new Error('no such termination')} />;
  const e = t.ended;
  const enforcers = [...t.propagation.enforcers].sort((a, b) => a.appliedAt - b.appliedAt);
  const span = Math.max(1, ...enforcers.map((x) => x.appliedAt - t.requestedAt));
  return (
    <>
      <h1>Termination {t.terminationId}</h1>
      <dl class="facts">
        <dt>Scope</dt>
        <dd>{t.scope.replace(/_/g, ' ')}</dd>
        <dt>Target</dt>
        <dd>
          <a href={nodeHref(t.target.type, t.target.id)}>
            {t.target.type} {t.target.id}
          </a>
          {t.userId && (
            <>
              {' '}
              of user <a href={href(`/user/${encodeURIComponent(t.userId)}`)}>{t.userId}</a>
            </>
          )}
        </dd>
        <dt>Source</dt>
        <dd>{t.source}</dd>
        <dt>Reason</dt>
        <dd>{t.reason}</dd>
        <dt>Requested</dt>
        <dd>{time(t.requestedAt)}</dd>
        <dt>Status</dt>
        <dd>{t.status}</dd>
      </dl>
      <Section title="What ended">
        {t.noChange && <p>Nothing was live: no change.</p>}
        {e ? (
          <ul>
            <li>Sessions revoked: {e.sessionsRevoked.join(', ') || 'none'}</li>
            <li>Sessions invalidated: {e.sessionsInvalidated.join(', ') || 'none'}</li>
            <li>Grants: {e.grants.join(', ') || 'none'}</li>
            <li>Agents: {e.agents.join(', ') || 'none'}</li>
            <li>
              Tokens: {e.tokens}
              {e.refreshTokens !== undefined &&
                ` (${e.refreshTokens} refresh, ${e.referenceTokens ?? 0} reference, ${e.statelessTokens ?? 0} stateless)`}
            </li>
          </ul>
        ) : (
          <p>Not applied yet.</p>
        )}
        <p>
          Residual exposure: <ResidualText residual={t.residual} />
        </p>
        {t.verdict && (
          <p>
            IPSIE {t.verdict.level} verdict: <strong>{t.verdict.meets ? 'meets' : 'does not meet'}</strong> (bearer tokens gone by{' '}
            {time(t.verdict.bearerDeadline)}, device-bound by {time(t.verdict.deviceBoundDeadline)}).
          </p>
        )}
      </Section>
      <Section title="Propagation to enforcers">
        {enforcers.length === 0 ? (
          <p>No enforcer has reported applying it yet.</p>
        ) : (
          <ol class="timeline" aria-label="Enforcers in the order they applied it">
            {enforcers.map((x) => (
              <li key={x.enforcerId}>
                <span class="timeline-label">
                  {x.enforcerId}: +{x.appliedAt - t.requestedAt} ms ({time(x.appliedAt)})
                </span>
                <span class="bar" style={{ width: `${Math.max(2, ((x.appliedAt - t.requestedAt) / span) * 100)}%` }} aria-hidden="true" />
              </li>
            ))}
          </ol>
        )}
        <p>
          {t.propagation.completedAt
            ? `Every live enforcer applied it by ${time(t.propagation.completedAt)} (${t.propagation.propagationMs} ms).`
            : 'Propagation not complete.'}
        </p>
      </Section>
      <Section title="Receipt to the IdP">
        <p>
          {t.receipt.deliveredAt
            ? `Delivered at ${time(t.receipt.deliveredAt)} after ${t.receipt.attempts} attempt(s).`
            : t.receipt.failures.length > 0
              ? `Not delivered: ${t.receipt.failures.length} failed attempt(s), last: ${t.receipt.failures[t.receipt.failures.length - 1]?.error}.`
              : 'No receipt delivered (none is due for this source, or not yet).'}
        </p>
      </Section>
      <Section title="Agent cancellations">
        {t.agentCancellations.length === 0 ? (
          <p>No agent tasks to cancel.</p>
        ) : (
          <ul>
            {t.agentCancellations.map((c) => (
              <li key={`${c.agentId}/${c.taskId}`}>
                Agent {c.agentId}, task {c.taskId}: {c.outcome}
                {c.error ? ` (${c.error})` : ''}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Reuse after revocation">
        <p>
          {t.attemptsAfterRevocation.count === 0
            ? 'No ended credential has been presented since.'
            : `${t.attemptsAfterRevocation.count} refused presentation(s), last at ${time(t.attemptsAfterRevocation.lastAt)}, seen by ${t.attemptsAfterRevocation.sources.map((s) => `${s.source} (${s.count})`).join(', ')}.`}
        </p>
      </Section>
      {api.can('audit') && (
        <Section title="Evidence">
          <button
            type="button"
            onClick={async () => {
              setDownloadError(null);
              try {
                setDownloaded(await api.download(`/terminations/${encodeURIComponent(t.terminationId)}/evidence`));
              } catch (err) {
                setDownloadError(err);
              }
            }}
          >
            Download signed evidence bundle
          </button>
          {downloaded && (
            <p role="status">
              Downloaded {downloaded}. Verify it with `npm run cli -- verify --file {downloaded}`.
            </p>
          )}
          <ErrorMessage error={downloadError} />
        </Section>
      )}
    </>
  );
}
