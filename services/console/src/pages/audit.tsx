import { useState } from 'preact/hooks';
import type { Api, AuditEntry } from '../api.ts';
import { ChoiceField, ErrorMessage, fromLocalInput, href, Loading, Section, time, TimeField, useLoad } from '../ui.tsx';

interface AuditPageBody {
  entries: AuditEntry[];
  total: number;
  verification: { ok: true } | { ok: false; sequence: number; problem: string };
}

const PAGE = 50;

export function AuditPage({ api }: { api: Api }) {
  const [after, setAfter] = useState(0);
  const { data, error, loading } = useLoad(() => api.get<AuditPageBody>('/audit', { after, limit: PAGE }), [after]);
  const [exportForm, setExportForm] = useState({ kind: 'audit', format: 'jsonl', from: '', to: '' });
  const [exported, setExported] = useState<{ name?: string; error?: unknown; busy?: boolean }>({});
  if (!api.can('audit')) return <p role="alert">Your API key lacks the audit role.</p>;
  return (
    <>
      <h1>Audit trail</h1>
      {loading && <Loading what="the audit trail" />}
      <ErrorMessage error={error} />
      {data && (
        <>
          <p role="status" class={data.verification.ok ? 'ok' : 'error'} data-testid="chain-status">
            {data.verification.ok
              ? `Hash chain verified: all ${data.total} entries link to the genesis.`
              : `Hash chain broken at entry ${data.verification.sequence}: ${data.verification.problem}.`}
          </p>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Audit entries</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Recorded</th>
                  <th scope="col">Termination</th>
                  <th scope="col">Source</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Hash</th>
                </tr>
              </thead>
              <tbody>
                {data.entries.map((e) => (
                  <tr key={e.sequence}>
                    <th scope="row">{e.sequence}</th>
                    <td>{time(e.recordedAt)}</td>
                    <td>
                      <a href={href(`/termination/${encodeURIComponent(e.terminationId)}`)}>
                        {e.scope.toLowerCase().replace(/_/g, ' ')} of {e.target.type.toLowerCase()} {e.target.id}
                      </a>
                    </td>
                    <td>{e.source}</td>
                    <td>{e.actor}</td>
                    <td>{e.reason}</td>
                    <td>
                      <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="actions">
            <button type="button" disabled={after === 0} onClick={() => setAfter(Math.max(0, after - PAGE))}>
              Previous
            </button>
            <button type="button" disabled={after + PAGE >= data.total} onClick={() => setAfter(after + PAGE)}>
              Next
            </button>
          </div>
        </>
      )}
      <Section title="Export">
        <p>
          A signed, hash-chained file streamed from the ledger’s disk. Verify it offline with{' '}
          <code>npm run cli -- verify --file FILE --jwks jwks.json</code> (the keys at{' '}
          <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>).
        </p>
        <form
          class="filters"
          aria-label="Export"
          onSubmit={async (e) => {
            e.preventDefault();
            setExported({ busy: true });
            try {
              const name = await api.download(`/exports/${exportForm.kind}`, {
                format: exportForm.format,
                from: fromLocalInput(exportForm.from),
                to: fromLocalInput(exportForm.to),
              });
              setExported({ name });
            } catch (err) {
              setExported({ error: err });
            }
          }}
        >
          <ChoiceField
            label="What"
            value={exportForm.kind}
            options={[
              ['audit', 'Audit trail'],
              ['events', 'Raw events'],
            ]}
            onChange={(kind) => setExportForm({ ...exportForm, kind })}
          />
          <ChoiceField
            label="Format"
            value={exportForm.format}
            options={[
              ['jsonl', 'JSON Lines'],
              ['csv', 'CSV'],
            ]}
            onChange={(format) => setExportForm({ ...exportForm, format })}
          />
          <TimeField label="From" value={exportForm.from} onChange={(from) => setExportForm({ ...exportForm, from })} />
          <TimeField label="To" value={exportForm.to} onChange={(to) => setExportForm({ ...exportForm, to })} />
          <button type="submit" disabled={exported.busy}>
            Download export
          </button>
        </form>
        {exported.name && <p role="status">Downloaded {exported.name}.</p>}
        <ErrorMessage error={exported.error} />
      </Section>
    </>
  );
}
