import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_PROJECTIONS, readSnapshot, replay, type Projection } from '@killswitch/projections';
import { buildFixtureGraph, TokenFactory } from '@killswitch/testing';
import { startTestLedger, type TestLedger } from '../src/test-ledger.ts';

/**
 * The hot state is snapshotted to the data directory with its position; a restart loads the
 * snapshot and replays only the tail, into exactly the state a replay from 0 gives. A snapshot
 * that is damaged, of another store or behind the store is never trusted blindly.
 */
let ledger: TestLedger | undefined;
afterEach(async () => {
  await ledger?.destroy();
  ledger = undefined;
});

const SNAPSHOT = 'hot-snapshot.bin';

async function scenario(l: TestLedger): Promise<void> {
  const graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
  await l.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts });
  const terminate = (scope: string, type: string, id: string) =>
    l.call('POST', '/v1/tenants/acme/terminations', { scope, target: { type, id }, reason: 'snapshot test' });
  expect((await terminate('session_scoped_revocation', 'agent', 'AG1')).status).toBe(201);
  expect((await terminate('session_invalidation', 'session', 'S2')).status).toBe(201);
}

async function moreHistory(l: TestLedger): Promise<void> {
  await l.call('POST', '/v1/tenants/acme/facts', {
    facts: [
      { type: 'session.started', sessionId: 'late-1', userId: 'carol', deviceId: 'd9', ip: '192.0.2.9' },
      { type: 'session.activity', sessionId: 'late-1', at: Date.now() + 120_000, ip: '198.51.100.1' },
    ],
  });
  await l.call('POST', '/v1/tenants/acme/users/bob/sign-out-all');
  expect(
    (
      await l.call('POST', '/v1/tenants/acme/terminations', {
        scope: 'global_revocation',
        target: { type: 'user', id: 'alice' },
        reason: 'snapshot test',
      })
    ).status,
  ).toBe(201);
}

/** Every hot projection of the running ledger against a replay of its store from position 0. */
async function expectHotEqualsReplay(l: TestLedger): Promise<void> {
  const { host, store } = l.runtime;
  await host.waitFor(await store.headPosition());
  for (const projection of ALL_PROJECTIONS as readonly Projection<unknown>[]) {
    expect(projection.snapshot(host.state(projection)), projection.name).toEqual(projection.snapshot(await replay(store, projection)));
  }
}

describe('hot snapshots', () => {
  it('a clean restart loads the snapshot written at shutdown and replays nothing', async () => {
    let l = (ledger = await startTestLedger());
    await scenario(l);
    await moreHistory(l);
    const head = await l.runtime.store.headPosition();
    l = ledger = await l.restart();
    expect(l.runtime.snapshots.restoredFrom).toBe(head);
    await expectHotEqualsReplay(l);
    // It keeps working from there: new events on the restored state equal a replay of them all.
    await l.call('POST', '/v1/tenants/acme/facts', { facts: [{ type: 'session.started', sessionId: 'after', userId: 'alice' }] });
    await expectHotEqualsReplay(l);
  });

  it('after a crash, the last snapshot plus the tail equals a replay from 0', async () => {
    let l = (ledger = await startTestLedger());
    await scenario(l);
    await l.runtime.snapshots.save();
    const path = join(l.dataDir, SNAPSHOT);
    const early = readFileSync(path);
    const snapshotAt = l.runtime.host.position;
    await moreHistory(l);
    expect(await l.runtime.store.headPosition()).toBeGreaterThan(snapshotAt);
    await l.close();
    writeFileSync(path, early); // what a crash leaves: a snapshot behind the store
    l = ledger = await startTestLedger({ dataDir: l.dataDir });
    expect(l.runtime.snapshots.restoredFrom).toBe(snapshotAt);
    await expectHotEqualsReplay(l);
  });

  it('a loaded snapshot holds no view onto the file it was read from (which would keep the whole file in memory)', async () => {
    const l = (ledger = await startTestLedger());
    await scenario(l);
    await l.runtime.snapshots.save();
    const file = readFileSync(join(l.dataDir, SNAPSHOT));
    const loaded = readSnapshot(join(l.dataDir, SNAPSHOT), l.runtime.host.names);
    if (!loaded || 'unusable' in loaded) throw new Error('the snapshot did not load');
    const views: ArrayBufferView[] = [];
    const seen = new Set<unknown>();
    const walk = (value: unknown): void => {
      if (value === null || typeof value !== 'object' || seen.has(value)) return;
      seen.add(value);
      if (ArrayBuffer.isView(value)) return void views.push(value);
      const children =
        value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
      children.forEach(walk);
    };
    walk(loaded.states);
    expect(views.length).toBeGreaterThan(10);
    // Each column owns its memory: none shares a buffer the size of the file.
    expect(views.filter((view) => view.buffer.byteLength >= file.length / 2 || view.byteOffset !== 0)).toEqual([]);
  });

  it('a periodic snapshot is written as events are applied', async () => {
    const l = (ledger = await startTestLedger({ extra: { snapshotEveryEvents: 5 } }));
    await scenario(l);
    await new Promise((r) => setTimeout(r, 50));
    const header = JSON.parse(readFileSync(join(l.dataDir, SNAPSHOT), 'utf8').split('\n')[0] as string) as { position: number };
    expect(header.position).toBeGreaterThanOrEqual(5);
  });

  it('a truncated, altered or foreign snapshot is ignored: the state is replayed from 0', async () => {
    let l = (ledger = await startTestLedger());
    await scenario(l);
    await moreHistory(l);
    await l.close();
    const path = join(l.dataDir, SNAPSHOT);
    const good = readFileSync(path);
    const damaged: Array<[string, Buffer]> = [
      ['truncated', good.subarray(0, good.length - 100)],
      ['altered', Buffer.concat([good.subarray(0, good.length - 10), Buffer.from('0123456789')])],
      ['no header', Buffer.from('garbage')],
      ['grown', Buffer.concat([good, Buffer.alloc(8)])],
      ['a byte of the body changed', flipByte(good, good.indexOf(0x0a) + 40)],
      ['a byte of a column changed (checked on another thread)', flipByte(good, good.length - 5000)],
      ['a header that lies about its arrays', lieAboutArrays(good)],
    ];
    for (const [what, bytes] of damaged) {
      writeFileSync(path, bytes);
      l = ledger = await startTestLedger({ dataDir: l.dataDir });
      expect(l.runtime.snapshots.restoredFrom, what).toBe(0);
      await expectHotEqualsReplay(l);
      await l.close();
    }
    // A snapshot of another store (same positions, other events) is not this store's state.
    const other = await startTestLedger();
    await scenario(other); // the same facts, recorded as other events
    await other.close();
    copyFileSync(join(other.dataDir, SNAPSHOT), path);
    await other.destroy().catch(() => {});
    l = ledger = await startTestLedger({ dataDir: l.dataDir });
    expect(l.runtime.snapshots.restoredFrom).toBe(0);
    await expectHotEqualsReplay(l);
  });
});

function flipByte(file: Buffer, at: number): Buffer {
  const copy = Buffer.from(file);
  copy[at] = (copy[at] as number) ^ 0xff;
  return copy;
}

/** The same file under a header that moves 8 bytes from the first array to the body. */
function lieAboutArrays(file: Buffer): Buffer {
  const newline = file.indexOf(0x0a);
  const header = JSON.parse(file.subarray(0, newline).toString('utf8')) as { bytes: number; arrays: Array<[string, number]> };
  const first = header.arrays[0] as [string, number];
  header.bytes += 8;
  first[1] -= 8;
  return Buffer.concat([Buffer.from(JSON.stringify(header)), file.subarray(newline)]);
}
