import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '@killswitch/event-store';
import {
  ALL_PROJECTIONS,
  auditTrail,
  DURABLE_PROJECTIONS,
  HotSnapshots,
  ProjectionHost,
  ReadModelDb,
  rebuildReadModels,
  replay,
  revocationStatus,
  sessionGraph,
  type Projection,
} from '@killswitch/projections';
import { buildFixtureGraph, startLedgerProcess, TokenFactory } from '@killswitch/testing';
import { KEYS, readModelsOf, startTestLedger, type TestLedger } from '../src/test-ledger.ts';

/**
 * The durable read models: as-of answers equal what was answered live at that moment, a restart
 * resumes from the checkpoint written with the rows, and a process killed in the middle of its
 * projection writes restarts into exactly what a rebuild from zero gives.
 */
let ledger: TestLedger | undefined;
afterEach(async () => {
  await ledger?.destroy();
  ledger = undefined;
});

const sessionsOf = async (l: TestLedger, user: string, query = '') => {
  const response = await l.call('GET', `/v1/tenants/acme/users/${user}/sessions${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.sessions as Array<Record<string, unknown>>;
};

/** Waits until the wall clock has moved past `instant`, so the next event is recorded strictly later. */
async function tick(instant: number): Promise<void> {
  while (Date.now() <= instant) await new Promise((r) => setTimeout(r, 1));
}

describe('as-of queries over the durable inventory', () => {
  it('answer, for each moment of a scripted scenario, exactly what was answered live then (by position and by recorded time)', async () => {
    const l = (ledger = await startTestLedger());
    const captured: Array<{ step: string; position: number; at: number; sessions: unknown }> = [];
    const capture = async (step: string) => {
      const position = await l.runtime.store.headPosition();
      const at = Date.now();
      captured.push({ step, position, at, sessions: await sessionsOf(l, 'alice') });
      await tick(at);
    };
    const facts = (list: unknown[]) => l.call('POST', '/v1/tenants/acme/facts', { facts: list });
    await facts([
      { type: 'session.started', sessionId: 's1', userId: 'alice', deviceId: 'laptop', ip: '192.0.2.1', userAgent: 'Firefox' },
      { type: 'session.started', sessionId: 's2', userId: 'alice', deviceId: 'phone', ip: '192.0.2.2' },
    ]);
    await capture('two sessions');
    await facts([{ type: 'session.activity', sessionId: 's1', ip: '198.51.100.7', userAgent: 'Firefox 2', at: Date.now() + 5_000 }]);
    await capture('activity moved s1');
    await l.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'session_invalidation',
      target: { type: 'session', id: 's2' },
      reason: 'step-up',
    });
    await capture('s2 invalidated');
    await l.call('POST', '/v1/tenants/acme/users/alice/sessions/s1/sign-out');
    await capture('s1 signed out');
    await facts([{ type: 'session.started', sessionId: 's3', userId: 'alice', deviceId: 'tablet' }]);
    await facts([{ type: 'session.ended', sessionId: 's3' }]);
    await capture('s3 started and ended');
    await l.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'global_revocation',
      target: { type: 'user', id: 'alice' },
      reason: 'gone',
    });
    await capture('global revocation');

    expect(captured.map((c) => (c.sessions as unknown[]).length)).toEqual([2, 2, 2, 2, 3, 3]);
    for (const moment of captured) {
      expect(await sessionsOf(l, 'alice', `?position=${moment.position}`), `${moment.step} by position`).toEqual(moment.sessions);
      expect(await sessionsOf(l, 'alice', `?asOf=${moment.at}&clock=recorded`), `${moment.step} by recorded time`).toEqual(moment.sessions);
    }
    // Before anything was recorded, the user had no sessions.
    expect(await sessionsOf(l, 'alice', `?position=0`)).toEqual([]);
  });

  it('the event clock reads the auth layer’s own times', async () => {
    const l = (ledger = await startTestLedger());
    await l.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'session.started', sessionId: 'old', userId: 'bob', startedAt: 1_700_000_000_000 },
        { type: 'session.started', sessionId: 'new', userId: 'bob', startedAt: 1_800_000_000_000 },
      ],
    });
    const at = (ms: number) => sessionsOf(l, 'bob', `?asOf=${ms}&clock=event`);
    expect((await at(1_699_999_999_999)).map((s) => s.sessionId)).toEqual([]);
    expect((await at(1_750_000_000_000)).map((s) => s.sessionId)).toEqual(['old']);
    expect((await at(1_800_000_000_000)).map((s) => s.sessionId).sort()).toEqual(['new', 'old']);
  });

  it('bad as-of parameters get 400 with a stable code and change nothing', async () => {
    const l = (ledger = await startTestLedger());
    for (const query of ['?asOf=yesterday', '?position=-1', '?asOf=1&position=2', '?clock=event', '?asOf=1&clock=wall', '?until=3']) {
      const response = await l.call('GET', `/v1/tenants/acme/users/alice/sessions${query}`);
      expect({ query, status: response.status, error: response.body.error }).toEqual({
        query,
        status: 400,
        error: query.includes('position=2') || query === '?clock=event' ? 'ERR_AS_OF' : 'ERR_VALIDATION',
      });
    }
  });
});

describe('terminations and the audit trail on disk', () => {
  it('a termination’s status as of each moment equals what was answered live then; lists filter and paginate; the audit trail verifies', async () => {
    const l = (ledger = await startTestLedger());
    const graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
    await l.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts });
    const terminate = async (scope: string, type: string, id: string) => {
      const response = await l.call('POST', '/v1/tenants/acme/terminations', { scope, target: { type, id }, reason: 'as-of test' });
      expect(response.status).toBe(201);
      return response.body.terminationId as string;
    };
    const ids: string[] = [];
    const captured: Array<{ position: number; at: number; live: Record<string, unknown> }> = [];
    const capture = async () => {
      const live: Record<string, unknown> = {};
      for (const id of ids) live[id] = (await l.call('GET', `/v1/tenants/acme/terminations/${id}`)).body;
      captured.push({ position: await l.runtime.store.headPosition(), at: Date.now(), live });
      await tick(Date.now());
    };
    const before = { position: await l.runtime.store.headPosition(), at: Date.now() };
    await tick(before.at);
    ids.push(await terminate('session_scoped_revocation', 'agent', 'AG1'));
    await capture();
    ids.push(await terminate('session_invalidation', 'session', 'S2'));
    await capture();
    ids.push(await terminate('global_revocation', 'user', 'alice'));
    await capture();
    for (const moment of captured)
      for (const [id, live] of Object.entries(moment.live)) {
        expect((await l.call('GET', `/v1/tenants/acme/terminations/${id}?position=${moment.position}`)).body).toEqual(live);
        expect((await l.call('GET', `/v1/tenants/acme/terminations/${id}?asOf=${moment.at}&clock=recorded`)).body).toEqual(live);
      }
    // Before it was requested, a termination did not exist.
    const early = await l.call('GET', `/v1/tenants/acme/terminations/${ids[2]}?position=${before.position}`);
    expect([early.status, early.body.error]).toEqual([404, 'ERR_UNKNOWN_TERMINATION']);

    // Lists: by time, by scope, one page at a time.
    const list = async (query: string) => (await l.call('GET', `/v1/tenants/acme/terminations${query}`)).body;
    expect((await list('')).terminations.map((t: { terminationId: string }) => t.terminationId)).toEqual(ids);
    expect((await list('?scope=global_revocation')).terminations.map((t: { terminationId: string }) => t.terminationId)).toEqual([ids[2]]);
    expect((await list(`?from=${captured[0]?.at}`)).terminations.map((t: { terminationId: string }) => t.terminationId)).toEqual(
      ids.slice(1),
    );
    const first = await list('?limit=2');
    expect(first.terminations).toHaveLength(2);
    const second = await list(`?limit=2&cursor=${first.next}`);
    expect(second.terminations.map((t: { terminationId: string }) => t.terminationId)).toEqual([ids[2]]);
    expect(second.next).toBeNull();
    expect(await l.call('GET', '/v1/tenants/acme/terminations?cursor=bm9wZQ')).toMatchObject({
      status: 400,
      body: { error: 'ERR_CURSOR' },
    });
    expect((await l.call('GET', '/v1/tenants/other/terminations', undefined, KEYS.otherAdmin)).body.terminations).toEqual([]);

    // The audit trail on disk is the chain the event store replays to, and it verifies.
    const audit = (await l.call('GET', '/v1/tenants/acme/audit')).body;
    expect(audit.total).toBe(3);
    expect(audit.verification).toEqual({ ok: true });
    const replayed = await replay(l.runtime.store, auditTrail);
    expect(audit.entries).toEqual(JSON.parse(JSON.stringify(replayed.tenants.get('acme')?.entries)));
    expect((await l.call('GET', '/v1/tenants/acme/audit?after=2')).body.entries.map((e: { sequence: number }) => e.sequence)).toEqual([3]);
  });
});

describe('the graph’s history on disk', () => {
  it('as-of blast radius and status give, for each moment, what was answered live then', async () => {
    const l = (ledger = await startTestLedger());
    const graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
    await l.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts });
    const subjects = ['user/alice', 'session/S1', 'device/laptop', 'agent/AG1', 'user/bob'];
    const captured: Array<{ step: string; position: number; at: number; radius: Record<string, unknown> }> = [];
    const capture = async (step: string) => {
      const position = await l.runtime.store.headPosition();
      const at = Date.now();
      const radius: Record<string, unknown> = {};
      for (const subject of subjects) radius[subject] = (await l.call('GET', `/v1/tenants/acme/blast-radius/${subject}`)).body;
      captured.push({ step, position, at, radius });
      await tick(at);
    };
    await capture('fixture');
    const terminate = (scope: string, type: string, id: string) =>
      l.call('POST', '/v1/tenants/acme/terminations', { scope, target: { type, id }, reason: 'as-of test' });
    await terminate('session_scoped_revocation', 'agent', 'AG1');
    await capture('agent revoked');
    await terminate('session_invalidation', 'session', 'S2');
    await capture('session invalidated');
    await l.call('POST', '/v1/tenants/acme/users/bob/sign-out-all');
    await capture('bob signed out');
    await terminate('global_revocation', 'user', 'alice');
    await capture('alice globally revoked');
    for (const moment of captured) {
      for (const subject of subjects) {
        const byPosition = await l.call('GET', `/v1/tenants/acme/blast-radius/${subject}?position=${moment.position}`);
        expect(byPosition.body, `${moment.step}: ${subject} by position`).toEqual(moment.radius[subject]);
        const byTime = await l.call('GET', `/v1/tenants/acme/blast-radius/${subject}?asOf=${moment.at}&clock=recorded`);
        expect(byTime.body, `${moment.step}: ${subject} by recorded time`).toEqual(moment.radius[subject]);
      }
    }
    const [first, , , , last] = captured;
    const status = async (path: string, at: number) => (await l.call('GET', `/v1/tenants/acme/status/${path}?asOf=${at}`)).body;
    expect(await status('session/S1', first?.at as number)).toMatchObject({ active: true, state: 'live' });
    expect(await status('session/S1', last?.at as number)).toMatchObject({ active: false, state: 'revoked' });
  });

  it('tokens that have already expired stay out of memory, and every one of them is on disk', async () => {
    const l = (ledger = await startTestLedger());
    const past = Date.now() - 3_600_000;
    for (let batch = 0; batch < 3; batch++) {
      const facts: unknown[] = [{ type: 'session.started', sessionId: `old-${batch}`, userId: 'carol', startedAt: past }];
      for (let i = 0; i < 999; i++)
        facts.push({
          type: 'token.minted',
          kind: 'access',
          format: 'jwt',
          tokenId: `old-${batch}-${i}`,
          sessionId: `old-${batch}`,
          issuedAt: past,
          expiresAt: past + 600_000,
        });
      expect((await l.call('POST', '/v1/tenants/acme/facts', { facts })).status).toBe(200);
    }
    await l.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'token.minted', kind: 'access', format: 'jwt', tokenId: 'live-1', sessionId: 'old-0', expiresAt: Date.now() + 600_000 },
      ],
    });
    const { host } = l.runtime;
    expect(host.state(revocationStatus).tenants.get('acme')?.tokens.size).toBe(1);
    expect(host.state(sessionGraph).tenants.get('acme')?.tokens.size).toBe(1);
    await l.runtime.ledger.durableCaughtUp();
    expect(l.runtime.ledger.history.nodeCounts('acme')).toMatchObject({ TOKEN: 2998, SESSION: 3 });
    // An expired token is still answered for: inactive now, and live as of when it was.
    expect((await l.call('GET', `/v1/tenants/acme/status/token/old-1-5?asOf=${past + 1}&clock=event`)).body).toMatchObject({
      active: true,
    });
    expect((await l.call('GET', '/v1/tenants/acme/status/token/old-1-5')).body).toMatchObject({ active: false, state: 'expired' });
  });

  it('sessions, agents and grants that have ended leave memory; facts, blast radius and terminations naming one still work', async () => {
    let clock = Date.now();
    const l = (ledger = await startTestLedger({ clock: () => clock }));
    const minute = 60_000;
    const post = async (facts: unknown[]) => {
      const response = await l.call('POST', '/v1/tenants/acme/facts', { facts });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    // History: 300 sessions, each signed out or expired, each with a token, a grant and an agent that end too.
    for (let batch = 0; batch < 3; batch++) {
      const facts: unknown[] = [];
      for (let i = batch * 100; i < (batch + 1) * 100; i++) {
        const user = `hist-${i % 30}`;
        facts.push(
          { type: 'session.started', sessionId: `h${i}`, userId: user, deviceId: `dev-${i % 7}`, expiresAt: clock + 30 * minute },
          { type: 'grant.issued', grantId: `g${i}`, clientId: 'app', sessionId: `h${i}`, expiresAt: clock + 20 * minute },
          { type: 'agent.spawned', agentId: `a${i}`, sessionId: `h${i}` },
          { type: 'token.minted', kind: 'access', format: 'jwt', tokenId: `h${i}-t`, sessionId: `h${i}`, expiresAt: clock + 10 * minute },
          { type: 'token.minted', kind: 'agent', format: 'jwt', tokenId: `a${i}-t`, agentId: `a${i}`, expiresAt: clock + 10 * minute },
          { type: 'agent.ended', agentId: `a${i}` },
        );
        if (i % 2 === 0) facts.push({ type: 'session.ended', sessionId: `h${i}` });
      }
      expect((await l.call('POST', '/v1/tenants/acme/facts', { facts })).status).toBe(200);
    }
    // A child session outlives its parent's end, and a parent session is revoked while its child lives.
    await post([
      { type: 'session.started', sessionId: 'parent', userId: 'dana', deviceId: 'dana-laptop' },
      { type: 'session.started', sessionId: 'child', userId: 'dana', parentSessionId: 'parent' },
      {
        type: 'token.minted',
        kind: 'refresh',
        format: 'reference',
        tokenId: 'child-rt',
        sessionId: 'child',
        expiresAt: clock + 48 * 60 * minute,
      },
      { type: 'session.ended', sessionId: 'parent' },
    ]);
    const { host } = l.runtime;
    const index = () => host.state(revocationStatus).tenants.get('acme');
    const graph = () => host.state(sessionGraph).tenants.get('acme');
    expect(graph()?.sessions.size).toBe(302);

    // An hour on: every history node has ended (grace included); the next event moves the projections' clock.
    clock += 60 * minute;
    await post([{ type: 'session.started', sessionId: 'now', userId: 'erin' }]);
    expect([...(index()?.sessions.keys() ?? [])].sort()).toEqual(['child', 'now']); // the index keeps no ended session
    expect(index()?.tokens.size).toBe(1); // child-rt
    expect(index()?.tokens.originCount).toBe(2); // child's (held by its session and its token) and now's
    expect(index()?.tokens.profileCount).toBe(1); // child-rt's strings: refresh, reference, bearer, and its origin's session
    expect(index()?.tokens.internedCount).toBe(3); // its session id is its origin's: not interned again
    expect(index()?.dense.sessions.size).toBe(3); // child's lineage (child, parent) and now
    expect([...(graph()?.sessions.keys() ?? [])].sort()).toEqual(['child', 'now', 'parent']); // the parent waits for its child
    expect(graph()?.agents.size).toBe(0);
    expect(graph()?.grants.size).toBe(0);
    expect(graph()?.lastActivity.size).toBe(3);
    expect([...(graph()?.devices.keys() ?? [])]).toEqual(['dana-laptop']);
    await l.runtime.ledger.durableCaughtUp();
    expect(l.runtime.ledger.history.nodeCounts('acme')).toMatchObject({ SESSION: 303, AGENT: 300, GRANT: 300, TOKEN: 601 });

    // The parent, signed out and gone from the live index, is revoked: its child's token is refused.
    const revoke = await l.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'session_scoped_revocation',
      target: { type: 'session', id: 'parent' },
      reason: 'compromised',
    });
    expect(revoke.status).toBeLessThan(300);
    expect((await l.call('POST', '/v1/tenants/acme/check', { tokenId: 'child-rt' })).body).toMatchObject({
      active: false,
      reason: 'revoked',
    });

    // Facts naming ended nodes still resolve (from the durable graph), as they did while they were in memory.
    await post([
      { type: 'token.minted', kind: 'access', format: 'jwt', tokenId: 'late-1', sessionId: 'h1', expiresAt: clock + 10 * minute },
      { type: 'token.minted', kind: 'access', format: 'jwt', tokenId: 'late-2', agentId: 'a2', expiresAt: clock + 10 * minute },
      { type: 'token.minted', kind: 'access', format: 'jwt', tokenId: 'late-3', grantId: 'g3', expiresAt: clock + 10 * minute },
      { type: 'session.ended', sessionId: 'h5' },
    ]);
    const late = await l.call('GET', '/v1/tenants/acme/blast-radius/token/late-1');
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ userId: 'hist-1' });
    // The live blast radius of an ended session, and a termination of it, come from its history.
    const radius = await l.call('GET', '/v1/tenants/acme/blast-radius/session/h4');
    expect(radius.status).toBe(200);
    expect(radius.body).toMatchObject({ userId: 'hist-4' });
    const ended = await l.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'session_scoped_revocation',
      target: { type: 'session', id: 'h4' },
      reason: 'late report',
    });
    expect(ended.status, JSON.stringify(ended.body)).toBeLessThan(300);

    // What left memory stays out of it across a restart: the hot snapshot plus the tail equals a replay from 0.
    await l.close();
    expect(await expectHotRestoreEqualsReplay(l.dataDir)).toBeGreaterThan(0);
    await expectReadModelsEqualRebuild(l.dataDir);
    ledger = await startTestLedger({ dataDir: l.dataDir, clock: () => clock });
    expect(ledger.runtime.host.state(sessionGraph).tenants.get('acme')?.sessions.has('h4')).toBe(false);
  });
});

describe('restarts', () => {
  it('a restart resumes the read models from the checkpoint committed with their rows', async () => {
    let l = (ledger = await startTestLedger());
    await l.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'session.started', sessionId: 's1', userId: 'alice' },
        { type: 'session.activity', sessionId: 's1', ip: '192.0.2.9' },
      ],
    });
    await l.call('POST', '/v1/tenants/acme/users/alice/sign-out-all');
    const head = await l.runtime.store.headPosition();
    const before = await readModelsOf(l);
    expect(l.runtime.readModels.reader.checkpointOf('session-inventory')).toBe(head);
    l = ledger = await l.restart();
    expect(l.runtime.readModels.checkpoint).toBe(head); // the writer resumed from the stored checkpoint: nothing to apply again
    expect(l.runtime.readModels.reader.checkpointOf('session-inventory')).toBe(head);
    expect(await readModelsOf(l)).toEqual(before);
  });
});

const KEY = 'ks_read_models_test';

describe('a process killed during its projection writes', () => {
  it('restarts, 20 times over, into read models equal to a rebuild from zero and a hot state (snapshot + tail) equal to a replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-rm-kill-'));
    const config = join(dir, 'config.json');
    const dataDir = join(dir, 'data');
    writeFileSync(
      config,
      JSON.stringify({
        port: 0,
        dataDir,
        snapshotEveryEvents: 40, // hot snapshots while it is killed, some mid-write
        tenants: [
          {
            id: 'acme',
            apiKeys: [{ name: 'k', sha256: createHash('sha256').update(KEY).digest('hex'), roles: ['ingest', 'read', 'respond'] }],
          },
        ],
      }),
    );
    try {
      let restored = 0;
      for (let round = 0; round < 20; round++) {
        if (round > 0 && (await expectHotRestoreEqualsReplay(dataDir)) > 0) restored++;
        const { child, url } = await startLedgerProcess(config);
        await expectReadModelsEqualRebuild(dataDir);
        const writers = [0, 1].map(async (writer) => {
          for (let i = 0; ; i++) {
            const user = `u${round}-${writer}`;
            const ok = await api(url, '/v1/tenants/acme/facts', {
              facts: [
                { type: 'session.started', sessionId: `${user}-s${i}`, userId: user, ip: '192.0.2.1' },
                { type: 'session.activity', sessionId: `${user}-s${i}`, ip: '192.0.2.2' },
              ],
            });
            if (!ok) return;
            if (i % 3 === 2 && !(await api(url, `/v1/tenants/acme/users/${user}/sign-out-all`))) return;
          }
        });
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 250));
        child.kill('SIGKILL');
        await Promise.all(writers);
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      }
      expect(restored).toBeGreaterThan(10); // most restarts began from a snapshot, not from 0
      const { child } = await startLedgerProcess(config);
      await expectReadModelsEqualRebuild(dataDir);
      child.kill('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

/** The running ledger's read models (caught up, idle) against a rebuild of the same store into a fresh database. */
async function expectReadModelsEqualRebuild(dataDir: string): Promise<void> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  const live = new ReadModelDb(join(dataDir, 'read-models.sqlite'));
  const scratch = mkdtempSync(join(tmpdir(), 'ks-rm-rebuild-'));
  try {
    const rebuilt = await rebuildReadModels(store, join(scratch, 'read-models.sqlite'), DURABLE_PROJECTIONS);
    expect(live.dump()).toEqual(rebuilt.dump());
    rebuilt.close();
  } finally {
    live.close();
    await store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * What a restart does with the hot state a killed process left (its last snapshot, then the
 * store's tail), against a replay from 0. Returns the snapshot's position (0: none was usable).
 */
async function expectHotRestoreEqualsReplay(dataDir: string): Promise<number> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  try {
    const host = new ProjectionHost(store);
    for (const projection of ALL_PROJECTIONS) host.register(projection as never);
    const snapshots = new HotSnapshots(host, store, join(dataDir, 'hot-snapshot.bin'), 0, { info: () => {}, warn: () => {} });
    const from = await snapshots.load();
    await host.start();
    await host.stop();
    for (const projection of ALL_PROJECTIONS as readonly Projection<unknown>[])
      expect(projection.snapshot(host.state(projection)), projection.name).toEqual(projection.snapshot(await replay(store, projection)));
    return from;
  } finally {
    await store.close();
  }
}

async function api(url: string, path: string, body?: unknown): Promise<boolean> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch(() => null);
  return response !== null && response.status < 300;
}
