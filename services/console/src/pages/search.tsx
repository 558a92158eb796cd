import type { Api } from '../api.ts';
import { ErrorMessage, href, Loading, nodeHref, useLoad } from '../ui.tsx';

interface SearchResult {
  type: string;
  id: string;
  userIds: string[];
  matched: string;
}

export function SearchPage({ api, query }: { api: Api; query: string }) {
  const { data, error, loading } = useLoad(
    () => (query ? api.get<{ results: SearchResult[] }>('/search', { q: query }) : Promise.resolve({ results: [] })),
    [query],
  );
  const starting = useLoad(
    () =>
      query
        ? api.get<{ users: Array<{ userId: string }>; next: string | null }>('/users', { prefix: query, limit: 20 })
        : Promise.resolve(null),
    [query],
  );
  if (!query)
    return (
      <>
        <h1>Find</h1>
        <p>
          Type a user’s RP id, email, phone number or IdP subject, or the id of a session, device, agent, grant or token, in the box above
          and press Enter.
        </p>
        <p>
          Or review the <a href="#/terminations">latest terminations</a>.
        </p>
      </>
    );
  return (
    <>
      <h1>Results for “{query}”</h1>
      {loading && <Loading what="results" />}
      <ErrorMessage error={error} />
      {data && data.results.length === 0 && <p role="status">Nothing matches “{query}” exactly. Ids and emails must be typed in full.</p>}
      {data && data.results.length > 0 && (
        <ul class="results" aria-label="Search results">
          {data.results.map((r) => (
            <li key={`${r.type}:${r.id}`}>
              <span class="kind">{r.type}</span>{' '}
              {r.type === 'user' ? (
                <a href={href(`/user/${encodeURIComponent(r.id)}`)}>{r.id}</a>
              ) : (
                <a href={nodeHref(r.type, r.id)}>{r.id}</a>
              )}{' '}
              <span class="muted">
                matched by {r.matched}
                {r.type !== 'user' && r.userIds.length > 0 && (
                  <>
                    {' '}
                    · user{' '}
                    {r.userIds.map((u, i) => (
                      <>
                        {i > 0 && ', '}
                        <a href={href(`/user/${encodeURIComponent(u)}`)}>{u}</a>
                      </>
                    ))}
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {starting.data && starting.data.users.length > 0 && (
        <>
          <h2>Users whose id starts with “{query}”</h2>
          <ul class="inline-list" aria-label="Users by id prefix">
            {starting.data.users.map((u) => (
              <li key={u.userId}>
                <a href={href(`/user/${encodeURIComponent(u.userId)}`)}>{u.userId}</a>
              </li>
            ))}
            {starting.data.next && <li class="muted">and more: type more of the id</li>}
          </ul>
        </>
      )}
    </>
  );
}
