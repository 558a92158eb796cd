import { describe, expect, it } from 'vitest';
import { AccountsHistory } from '../accounts/durable.ts';
import { GraphHistory } from '../session-graph/durable.ts';
import { InventoryQueries, type AsOf } from '../session-inventory/durable.ts';
import { TerminationHistory } from '../termination-status/durable.ts';
import { ReadModelDb } from './read-model-db.ts';
import { DURABLE_PROJECTIONS } from './registry.ts';

/**
 * Statements that read a tenant's rows in order on purpose, each bounded some other way. Any other
 * statement must reach its rows through an index on more than the tenant.
 */
const WALKS_ALLOWED: ReadonlyArray<[RegExp, string]> = [
  [/^SELECT sequence, hash FROM audit_entries WHERE tenant = \? ORDER BY sequence DESC LIMIT 1/, 'a seek to the last entry'],
  [/^SELECT count\(\*\) AS n FROM audit_entries WHERE tenant = \?/, 'the audit listing’s total, on a covering index'],
  [/^SELECT kind, count\(\*\) AS n FROM graph_nodes WHERE tenant = \? GROUP BY kind/, 'node counts, read by tests only'],
  [/^SELECT \* FROM terminations WHERE tenant = \? (AND (source|scope) = \? )?ORDER BY recorded_at/, 'a page in time order (LIMIT)'],
];

/** A plan step that reads all of a tenant (or of a table). */
const WALK = /^SCAN (?!json_each)|USING (PRIMARY KEY|(COVERING )?INDEX \w+) \(tenant=\?\)$/;

describe('read-model query plans', () => {
  it('every statement the writers and the API queries prepare reaches its rows by index, never by walking a tenant', () => {
    const models = new ReadModelDb(':memory:');
    const prepared = new Set<string>();
    const prepare = models.db.prepare.bind(models.db);
    models.db.prepare = ((sql: string) => {
      prepared.add(sql.replace(/\s+/g, ' ').trim());
      return prepare(sql);
    }) as typeof models.db.prepare;
    for (const projection of DURABLE_PROJECTIONS) models.attach(projection);

    const accounts = new AccountsHistory(models.db);
    accounts.identified('t', 'email:a@example.com');
    accounts.listUsers('t', 'a', null, 10);
    accounts.listUsers('t', 'a', 'alice', 10);
    accounts.processedMessage('t', 'key');
    const graph = new GraphHistory(models.db);
    const inventory = new InventoryQueries(models.db);
    const terminations = new TerminationHistory(models.db);
    for (const type of ['USER', 'DEVICE', 'SESSION', 'AGENT', 'GRANT', 'TOKEN'] as const) graph.usersOf('t', { type, id: 'x' });
    for (const clock of ['position', 'recorded', 'event'] as const) {
      const asOf: AsOf = { clock, at: 1 };
      graph.graphAsOf('t', ['u'], asOf);
      inventory.sessionsAsOf('t', 'u', asOf);
      terminations.statusAsOf('t', 'T1', asOf);
      terminations.attemptsAsOf('t', ['TOKEN:x'], asOf);
    }
    inventory.sessionsOf('t', 'u');
    for (const filter of [{}, { userId: 'u' }, { source: 'ssf' }, { scope: 'global_revocation' }, { from: 1, to: 2 }]) {
      terminations.list('t', { ...filter, limit: 10 });
      terminations.list('t', { ...filter, after: { recordedAt: 1, terminationId: 'T1' }, limit: 10 });
    }
    terminations.auditEntries('t', 0, 10);
    terminations.verifyAudit('t');
    terminations.firstAuditSequenceFrom('t', 1);
    terminations.auditEntryOf('t', 'T1');
    terminations.auditCount('t');

    const walks: string[] = [];
    let planned = 0;
    for (const sql of prepared) {
      if (/^(PRAGMA|CREATE|INSERT INTO read_model_|SELECT (version|position) FROM read_model_)/.test(sql)) continue;
      // The plan with literals for parameters (a NULL would make SQLite see an always-false test).
      const literal = sql
        .replace(/(LIMIT|OFFSET) \?/g, '$1 1')
        .replace(/\?/g, "'x'")
        .replace(/@\w+/g, "'x'");
      const plan = (prepare(`EXPLAIN QUERY PLAN ${literal}`).all() as Array<{ detail: string }>).map((row) => row.detail);
      planned++;
      if (plan.some((step) => WALK.test(step)) && !WALKS_ALLOWED.some(([allowed]) => allowed.test(sql)))
        walks.push(`${sql}\n    ${plan.join(' | ')}`);
    }
    expect(planned).toBeGreaterThan(30);
    expect(walks).toEqual([]);
    models.db.close();
  });
});
