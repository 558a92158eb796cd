import cytoscape from 'cytoscape';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, BlastRadius, NodeStatus, Termination } from '../api.ts';
import {
  ErrorMessage,
  fromLocalInput,
  href,
  Loading,
  nodeHref,
  ResidualText,
  Section,
  StateBadge,
  time,
  toLocalInput,
  useLoad,
} from '../ui.tsx';

const COLOURS: Record<string, string> = {
  live: '#1a7f37',
  invalidated: '#b45309',
  revoked: '#c62828',
  ended: '#4b5563',
  expired: '#9ca3af',
};
const SHAPES: Record<string, string> = {
  USER: 'star',
  DEVICE: 'round-rectangle',
  SESSION: 'ellipse',
  GRANT: 'diamond',
  AGENT: 'hexagon',
  TOKEN: 'round-tag',
};

/** Which scopes may target which node type (DESIGN.md §2). */
const SCOPES: Record<string, string[]> = {
  USER: ['global_revocation', 'session_scoped_revocation', 'session_invalidation'],
  DEVICE: ['session_scoped_revocation', 'session_invalidation'],
  SESSION: ['session_scoped_revocation', 'session_invalidation'],
  AGENT: ['session_scoped_revocation'],
  GRANT: ['session_scoped_revocation'],
  TOKEN: ['token_revocation'],
};
const SCOPE_HELP: Record<string, string> = {
  global_revocation: 'Global Revocation: every session, grant, agent and token of the user ends; tokens issued before now fail everywhere.',
  session_scoped_revocation: 'Session-Scoped Revocation: the node and everything derived from it end (tokens, agents, derived sessions).',
  session_invalidation: 'Session Invalidation: the sessions must re-authenticate; tokens already issued stay valid.',
  token_revocation: 'Token Revocation: this one token ends.',
};

/** Long ids (token UUIDs) are cut on the canvas; the node list beside it shows them whole. */
const shortId = (id: string) => (id.length > 14 ? `${id.slice(0, 8)}…` : id);

const keyOf = (n: { type: string; id: string }) => `${n.type.toUpperCase()}:${n.id}`;

function allNodes(radius: BlastRadius): NodeStatus[] {
  const d = radius.descendants;
  return [radius.subject, ...radius.ancestors, ...d.sessions, ...d.grants, ...d.agents, ...d.tokens.list];
}

function Graph({ radius, selected, onSelect }: { radius: BlastRadius; selected: string; onSelect: (key: string) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<cytoscape.Core | null>(null);
  useEffect(() => {
    if (!container.current) return;
    const nodes = allNodes(radius);
    const keys = new Set(nodes.map(keyOf));
    // Ancestors, nearest first, chain up to the subject.
    const chain = [radius.subject, ...radius.ancestors].map(keyOf);
    const edges = [
      ...chain.slice(1).map((from, i) => ({ from, to: chain[i] as string })),
      ...radius.edges.filter((e) => keys.has(e.from) && keys.has(e.to)),
    ];
    cy.current?.destroy();
    cy.current = cytoscape({
      container: container.current,
      elements: [
        ...nodes.map((n) => ({ data: { id: keyOf(n), label: `${n.type.toLowerCase()} ${shortId(n.id)}`, state: n.state, type: n.type } })),
        ...edges.map((e, i) => ({ data: { id: `e${i}`, source: e.from, target: e.to } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            'background-color': (n: cytoscape.NodeSingular) => COLOURS[n.data('state') as string] ?? '#6b7280',
            shape: (n: cytoscape.NodeSingular) => (SHAPES[n.data('type') as string] ?? 'ellipse') as cytoscape.Css.NodeShape,
            label: 'data(label)',
            'font-size': 11,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            width: 26,
            height: 26,
          },
        },
        { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#1d4ed8' } },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'line-color': '#9ca3af',
            'target-arrow-color': '#9ca3af',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
          },
        },
      ],
      layout: { name: 'breadthfirst', directed: true, roots: [chain[chain.length - 1] as string], spacingFactor: 1.1, padding: 16 },
      wheelSensitivity: 0.3,
    });
    cy.current.on('tap', 'node', (event) => onSelect(event.target.id() as string));
    return () => cy.current?.destroy();
  }, [radius]);
  useEffect(() => {
    cy.current?.nodes().unselect();
    cy.current?.getElementById(selected).select();
  }, [selected, radius]);
  return (
    <div
      ref={container}
      class="graph"
      role="img"
      aria-label={`Lineage graph of ${radius.subject.type.toLowerCase()} ${radius.subject.id}: ${allNodes(radius).length} nodes. The list beside it holds the same nodes.`}
      data-nodes={allNodes(radius).length}
    />
  );
}

function Legend() {
  return (
    <p class="legend" aria-label="Legend">
      {Object.keys(COLOURS).map((state) => (
        <span key={state}>
          <StateBadge state={state} />
        </span>
      ))}
      <span class="muted">Shapes: ★ user, ▭ device, ● session, ◆ grant, ⬢ agent, tag token.</span>
    </p>
  );
}

function TerminatePanel({
  api,
  target,
  onDone,
  onCancel,
}: {
  api: Api;
  target: NodeStatus;
  onDone: (t: Termination) => void;
  onCancel: () => void;
}) {
  const scopes = SCOPES[target.type.toUpperCase()] ?? [];
  const [scope, setScope] = useState(scopes[0] ?? '');
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<BlastRadius | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const type = target.type.toLowerCase();

  const review = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setPreview(await api.get<BlastRadius>(`/blast-radius/${type}/${encodeURIComponent(target.id)}`));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.post<Termination>('/terminations', { scope, target: { type, id: target.id }, reason }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  if (scopes.length === 0) return <p>Nothing can terminate a {type} directly.</p>;
  const d = preview?.descendants;
  return (
    <section class="panel" aria-labelledby="terminate-heading">
      <h3 id="terminate-heading">
        Terminate {type} {target.id}
      </h3>
      {!preview ? (
        <form onSubmit={review}>
          <fieldset>
            <legend>Scope</legend>
            {scopes.map((s) => (
              <label key={s} class="radio">
                <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} /> {SCOPE_HELP[s]}
              </label>
            ))}
          </fieldset>
          <label for="reason">Reason (recorded in the audit trail)</label>
          <input id="reason" required maxLength={1024} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          <div class="actions">
            <button type="submit" disabled={busy || reason.trim() === ''}>
              Review blast radius
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div role="region" aria-label="Confirm termination">
          <p>
            <strong>{SCOPE_HELP[scope]}</strong>
          </p>
          <p data-testid="preview">
            Reaches {d?.sessions.length ?? 0} session(s), {d?.grants.length ?? 0} grant(s), {d?.agents.length ?? 0} agent(s) and{' '}
            {d?.tokens.live ?? 0} live token(s). Still valid offline afterwards: <ResidualText residual={preview.exposureIfRevokedNow} />
          </p>
          <div class="actions">
            <button type="button" class="danger" onClick={confirm} disabled={busy}>
              Confirm termination
            </button>
            <button type="button" onClick={() => setPreview(null)} disabled={busy}>
              Back
            </button>
          </div>
        </div>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

export function TerminationResult({ termination }: { termination: Termination }) {
  const e = termination.ended;
  return (
    <section class="panel ok" aria-labelledby="result-heading" role="status">
      <h3 id="result-heading">Termination {termination.status}</h3>
      {termination.noChange && <p>Nothing was live: no change.</p>}
      {e && (
        <p>
          Ended {e.sessionsRevoked.length} session(s) revoked, {e.sessionsInvalidated.length} invalidated, {e.grants.length} grant(s),{' '}
          {e.agents.length} agent(s), {e.tokens} token(s).
        </p>
      )}
      <p>
        Residual exposure: <ResidualText residual={termination.residual} />
      </p>
      {termination.verdict && (
        <p>
          IPSIE {termination.verdict.level}: {termination.verdict.meets ? 'meets' : 'does not meet'} the deadline (bearer by{' '}
          {time(termination.verdict.bearerDeadline)}).
        </p>
      )}
      <p>
        <a href={href(`/termination/${encodeURIComponent(termination.terminationId)}`)}>Follow this termination</a>
      </p>
    </section>
  );
}

export function GraphPage({ api, type, id, query }: { api: Api; type: string; id: string; query: URLSearchParams }) {
  const asOf = query.get('asOf') ?? '';
  const clock = query.get('clock') === 'event' ? 'event' : 'recorded';
  const { data, error, loading, reload } = useLoad(
    () => api.get<BlastRadius>(`/blast-radius/${type}/${encodeURIComponent(id)}`, asOf ? { asOf, clock } : {}),
    [type, id, asOf, clock],
  );
  const [selected, setSelected] = useState(`${type.toUpperCase()}:${id}`);
  const [terminating, setTerminating] = useState(false);
  const [result, setResult] = useState<Termination | null>(null);
  const [asOfInput, setAsOfInput] = useState(asOf ? toLocalInput(Number(asOf)) : '');
  const [clockInput, setClockInput] = useState(clock);
  useEffect(() => setSelected(`${type.toUpperCase()}:${id}`), [type, id]);

  const nodes = data ? allNodes(data) : [];
  const selectedNode = nodes.find((n) => keyOf(n) === selected) ?? data?.subject;
  const base = `/graph/${type}/${encodeURIComponent(id)}`;
  return (
    <>
      <h1>
        Graph of {type} {id}
        {data && (
          <a class="small" href={href(`/user/${encodeURIComponent(data.userId)}`)}>
            User {data.userId}
          </a>
        )}
      </h1>
      <form
        class="asof"
        aria-label="As of"
        onSubmit={(e) => {
          e.preventDefault();
          const at = fromLocalInput(asOfInput);
          location.hash = href(base, at === undefined ? {} : { asOf: at, clock: clockInput });
        }}
      >
        <label for="asof-time">As of (your time zone)</label>
        <input
          id="asof-time"
          type="datetime-local"
          step="0.001"
          value={asOfInput}
          onInput={(e) => setAsOfInput((e.target as HTMLInputElement).value)}
        />
        <label for="asof-clock">Clock</label>
        <select
          id="asof-clock"
          value={clockInput}
          onChange={(e) => setClockInput((e.target as HTMLSelectElement).value as 'recorded' | 'event')}
        >
          <option value="recorded">Recorded time (when the ledger learnt it)</option>
          <option value="event">Event time (when the IdP or app says it happened)</option>
        </select>
        <button type="submit">Show as of then</button>
        <button
          type="button"
          onClick={() => {
            setAsOfInput('');
            location.hash = href(base);
          }}
        >
          Now
        </button>
      </form>
      <p role="status" class="muted" data-testid="asof-status">
        {asOf ? `Showing the graph as it was at ${time(Number(asOf))} (${clock} time).` : 'Showing the graph now.'}
      </p>
      {loading && <Loading what="the graph" />}
      <ErrorMessage error={error} />
      {result && <TerminationResult termination={result} />}
      {data && (
        <div class="graph-layout">
          <div>
            <Graph radius={data} selected={selected} onSelect={(key) => (setSelected(key), setTerminating(false))} />
            <Legend />
          </div>
          <div>
            <Section title="Nodes">
              <ul class="nodes" aria-label="Nodes in the graph">
                {nodes.map((n) => (
                  <li key={keyOf(n)} data-node={keyOf(n)} data-state={n.state}>
                    <button
                      type="button"
                      class="link"
                      aria-pressed={keyOf(n) === selected}
                      onClick={() => (setSelected(keyOf(n)), setTerminating(false))}
                    >
                      {n.type.toLowerCase()} {n.id}
                    </button>{' '}
                    <StateBadge state={n.state} />
                  </li>
                ))}
              </ul>
              {data.descendants.tokens.truncated && <p class="muted">Only the first tokens are listed.</p>}
            </Section>
            <Section title="Exposure">
              <p>
                Tokens below: {data.descendants.tokens.live} live, {data.descendants.tokens.revoked} revoked,{' '}
                {data.descendants.tokens.expired} expired.
              </p>
              <p>
                If revoked now: <ResidualText residual={data.exposureIfRevokedNow} />
              </p>
              <p>
                Already revoked, still valid offline: <ResidualText residual={data.outstandingAfterRevocation} />
              </p>
            </Section>
            {selectedNode && (
              <Section title="Selected">
                <p>
                  {selectedNode.type.toLowerCase()} <strong>{selectedNode.id}</strong> <StateBadge state={selectedNode.state} />{' '}
                  {keyOf(selectedNode) !== `${type.toUpperCase()}:${id}` && (
                    <a href={nodeHref(selectedNode.type, selectedNode.id)}>Open its graph</a>
                  )}
                </p>
                {api.can('respond') && !asOf && !terminating && (
                  <button type="button" class="danger" onClick={() => (setTerminating(true), setResult(null))}>
                    Terminate…
                  </button>
                )}
                {api.can('respond') && asOf && <p class="muted">Return to now to terminate.</p>}
                {terminating && (
                  <TerminatePanel
                    api={api}
                    target={selectedNode}
                    onCancel={() => setTerminating(false)}
                    onDone={(t) => {
                      setTerminating(false);
                      setResult(t);
                      reload();
                    }}
                  />
                )}
              </Section>
            )}
          </div>
        </div>
      )}
    </>
  );
}
