import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadModelDb } from '@killswitch/projections';
import { buildFixtureGraph, TokenFactory } from '@killswitch/testing';
import { readModelsOf, startTestLedger, type TestLedger } from '../src/test-ledger.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../services/ledger/src/cli.ts', import.meta.url));
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, KILLSWITCH_LOG_LEVEL: 'silent' } });

let ledger: TestLedger;
beforeAll(async () => {
  ledger = await startTestLedger();
  const graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
  await ledger.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts });
  for (const [scope, type, id] of [
    ['session_scoped_revocation', 'agent', 'AG1'],
    ['session_invalidation', 'session', 'S2'],
    ['global_revocation', 'user', 'bob'],
  ]) {
    await ledger.call('POST', '/v1/tenants/acme/terminations', { scope, target: { type, id }, reason: 'cli test' });
  }
});
afterAll(async () => ledger.destroy());

describe('CLI', () => {
  it('exports a sealed, hash-chained audit trail that verifies, and detects tampering', async () => {
    const file = join(ledger.dataDir, 'audit.jsonl');
    await cli(['export', '--tenant', 'acme', '--data-dir', ledger.dataDir, '--out', file]);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5); // header, three entries, seal
    const verified = JSON.parse((await cli(['verify', '--file', file, '--data-dir', ledger.dataDir])).stdout);
    expect(verified).toMatchObject({ ok: true, kind: 'export', records: 3 });

    const tampered = lines.map((line, i) => (i === 2 ? line.replace('cli test', 'nothing to see') : line));
    writeFileSync(file, tampered.join('\n') + '\n');
    const altered = await cli(['verify', '--file', file, '--data-dir', ledger.dataDir]).catch(
      (error: { stdout: string; code: number }) => error,
    );
    expect(altered).toMatchObject({ code: 1 });
    expect(JSON.parse((altered as { stdout: string }).stdout)).toMatchObject({ ok: false, seq: 2, problem: 'record 2 was altered' });

    writeFileSync(file, [lines[0], lines[1], lines[3], lines[4]].join('\n') + '\n');
    const removed = await cli(['verify', '--file', file, '--data-dir', ledger.dataDir]).catch((error: { stdout: string }) => error);
    expect(JSON.parse((removed as { stdout: string }).stdout)).toMatchObject({ ok: false, problem: 'record 2 is missing' });
  });

  it('shows the blast radius as of a past position, before the agent was revoked', async () => {
    const before = JSON.parse(
      (await cli(['blast-radius', '--tenant', 'acme', '--type', 'agent', '--id', 'AG1', '--data-dir', ledger.dataDir, '--until', '20']))
        .stdout,
    );
    const now = JSON.parse(
      (await cli(['blast-radius', '--tenant', 'acme', '--type', 'agent', '--id', 'AG1', '--data-dir', ledger.dataDir])).stdout,
    );
    expect(before.radius.subject.state).toBe('live');
    expect(now.radius.subject.state).toBe('revoked');
    expect(now.radius.descendants.agents).toEqual([{ type: 'AGENT', id: 'AG1a', state: 'revoked' }]);
  });

  it('answers status, sessions and a termination’s status as of a position, and now', async () => {
    await ledger.runtime.readModels.caughtUp(ledger.runtime.host.position);
    const json = async (args: string[]) => JSON.parse((await cli([...args, '--tenant', 'acme', '--data-dir', ledger.dataDir])).stdout);
    expect(await json(['status', '--type', 'agent', '--id', 'AG1', '--until', '20'])).toMatchObject({ state: 'live', active: true });
    expect(await json(['status', '--type', 'agent', '--id', 'AG1'])).toMatchObject({ state: 'revoked', active: false });
    const sessions = await json(['sessions', '--id', 'alice']);
    expect(sessions.sessions.length).toBeGreaterThan(0);
    expect((await json(['sessions', '--id', 'alice', '--until', '0'])).sessions).toEqual([]);
    const [first] = (await ledger.call('GET', '/v1/tenants/acme/terminations')).body.terminations;
    const now = await json(['termination', '--id', first.terminationId]);
    expect(now.termination).toMatchObject({ terminationId: first.terminationId, applied: { terminationId: first.terminationId } });
    const before = await cli([
      'termination',
      '--id',
      first.terminationId,
      '--tenant',
      'acme',
      '--data-dir',
      ledger.dataDir,
      '--until',
      '1',
    ]).catch((error: { stdout: string; code: number }) => error);
    expect(before).toMatchObject({ code: 3 });
    expect(JSON.parse((before as { stdout: string }).stdout).termination).toBeNull();
    const badClock = await cli([
      'sessions',
      '--id',
      'alice',
      '--tenant',
      'acme',
      '--as-of',
      '1',
      '--clock',
      'wall',
      '--data-dir',
      ledger.dataDir,
    ]).catch((error: { stderr: string; code: number }) => error);
    expect(badClock).toMatchObject({ code: 1 });
    expect((badClock as { stderr: string }).stderr).toMatch(/--clock is recorded or event/);
  });

  it('rebuilds the durable read models into a fresh database and swaps it in, while the ledger runs', async () => {
    const { stdout, stderr } = await cli(['rebuild', '--data-dir', ledger.dataDir]);
    const head = await ledger.runtime.store.headPosition();
    expect(JSON.parse(stdout)).toMatchObject({
      rebuilt: ['session-inventory', 'session-graph-history', 'terminations', 'accounts'],
      position: head,
    });
    expect(stderr).toMatch(new RegExp(`rebuilt ${head}/${head} \\(100%\\)`)); // plain progress lines when piped
    const swapped = new ReadModelDb(join(ledger.dataDir, 'read-models.sqlite'));
    try {
      expect(swapped.dump()).toEqual(await readModelsOf(ledger));
    } finally {
      swapped.close();
    }
  });

  it('replays every projection from position 0', async () => {
    const replay = JSON.parse((await cli(['replay', '--data-dir', ledger.dataDir])).stdout);
    expect(replay.position).toBe(await ledger.runtime.store.headPosition());
    expect(replay.projections.map((p: { name: string }) => p.name)).toEqual([
      'revocation-status',
      'session-graph',
      'termination-status',
      'accounts',
      'webhook-deliveries',
    ]);
  });
});
