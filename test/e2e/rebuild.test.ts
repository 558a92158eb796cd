import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS, DURABLE_PROJECTIONS, rebuildReadModels, replay, type Projection } from '@killswitch/projections';
import { buildFixtureGraph, TokenFactory } from '@killswitch/testing';
import { readModelsOf, startTestLedger, type TestLedger } from '../src/test-ledger.ts';

let ledger: TestLedger;
beforeEach(async () => {
  ledger = await startTestLedger();
});
afterEach(async () => ledger.destroy());

describe('projections rebuilt from position 0 equal the live ones', () => {
  it('after ingest, activity, every scope and a user sign-out', async () => {
    const graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
    await ledger.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts });
    await ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [{ type: 'session.activity', sessionId: 'S2', at: Date.now() + 120_000, ip: '203.0.113.9' }],
    });
    const terminate = (scope: string, type: string, id: string) =>
      ledger.call('POST', '/v1/tenants/acme/terminations', { scope, target: { type, id }, reason: 'rebuild test' });
    await terminate('session_scoped_revocation', 'agent', 'AG1');
    await terminate('session_invalidation', 'session', 'S2');
    await terminate('token_revocation', 'token', 'ref-R2');
    await ledger.call('POST', '/v1/tenants/acme/users/bob/sign-out-all');
    await terminate('global_revocation', 'user', 'alice');
    const { host, store } = ledger.runtime;
    await host.waitFor(await store.headPosition());
    for (const projection of ALL_PROJECTIONS as readonly Projection<unknown>[]) {
      const live = projection.snapshot(host.state(projection));
      const rebuilt = projection.snapshot(await replay(store, projection));
      expect(rebuilt, projection.name).toEqual(live);
    }
    // The durable read models, rebuilt into a fresh database, hold exactly the live rows.
    const dir = mkdtempSync(join(tmpdir(), 'ks-rebuild-'));
    try {
      const rebuilt = await rebuildReadModels(store, join(dir, 'read-models.sqlite'), DURABLE_PROJECTIONS);
      const live = await readModelsOf(ledger);
      expect(Object.keys(live ?? {})).toContain('inventory_sessions');
      expect(rebuilt.dump()).toEqual(live);
      rebuilt.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
