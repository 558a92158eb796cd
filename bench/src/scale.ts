/**
 * `npm run bench -- scale [--events N]`: a large enterprise's history, ingested through the HTTP
 * API into a ledger started with `npm start`'s own entry in a separate process (this process is
 * only the load generator). N events (default 10,000,000), one in ten tokens live and the rest
 * already expired, plus agents and terminations. Each figure is printed beside the same figure
 * measured in the same run at N/10 events.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startLedgerProcess } from '@killswitch/testing';
import { fmt, percentile, report } from './util.ts';

const CLI = fileURLToPath(new URL('../../services/ledger/src/cli.ts', import.meta.url));
const KEY = 'ks_scale_bench_key';
const TOKENS_PER_BATCH = 999;
const IN_FLIGHT = 4;

interface Figures {
  events: number;
  liveTokens: number;
  ingestFactsPerSecond: number;
  rssAfterIngestMb: number;
  memoryAfterIngest: string;
  rssIdleMb: number;
  rssAfterRestartMb: number;
  rssGrowthPerLiveTokenBytes: number;
  restartToReadyMs: number;
  durableLagMs: number;
  rebuildEventsPerSecond: number;
  rebuildCeilingEventsPerSecond: number;
  firstAsOfBlastMs: number;
  asOfBlastRadius: { p50: number; p99: number };
  asOfInventory: { p50: number; p99: number };
  liveCheck: { p50: number; p99: number };
  diskBytesPerEvent: number;
}

export async function benchScale(events: number): Promise<void> {
  const baseline = await measure(Math.max(10_000, Math.floor(events / 10)));
  const full = await measure(events);
  const row = (name: string, pick: (f: Figures) => string): [string, string] => [
    name,
    `${pick(full)}   (baseline at ${fmt(baseline.events)} events: ${pick(baseline)})`,
  ];
  report(`Scale: ${fmt(full.events)} events through the HTTP API, ${fmt(full.liveTokens)} live tokens (ledger in its own process)`, [
    row('ingest, durable', (f) => `${fmt(f.ingestFactsPerSecond)} facts/s`),
    row('ledger RSS after ingest', (f) => `${fmt(f.rssAfterIngestMb)} MB`),
    row(
      '  of which (main thread heap / its new space / external / read-model thread heap / code and libraries / the rest)',
      (f) => f.memoryAfterIngest,
    ),
    row('ledger RSS 10 s later, idle', (f) => `${fmt(f.rssIdleMb)} MB`),
    row('ledger RSS after a restart (snapshot + tail)', (f) => `${fmt(f.rssAfterRestartMb)} MB`),
    row('RSS growth per live token (whole process, upper bound)', (f) => `${fmt(f.rssGrowthPerLiveTokenBytes)} B`),
    row('restart to ready', (f) => `${fmt(f.restartToReadyMs)} ms`),
    [
      'restart ratio',
      `${fmt(full.restartToReadyMs / Math.max(1, baseline.restartToReadyMs), 2)} (${fmt(full.events)} vs ${fmt(baseline.events)} events)`,
    ],
    row('durable read models behind the ingest, at its end', (f) => `${fmt(f.durableLagMs)} ms`),
    row('rebuild of the durable read models', (f) => `${fmt(f.rebuildEventsPerSecond)} events/s`),
    row(
      '  ceiling: the rows it wrote, raw better-sqlite3 inserts in key order',
      (f) =>
        `${fmt(f.rebuildCeilingEventsPerSecond)} events/s (${fmt((f.rebuildEventsPerSecond / f.rebuildCeilingEventsPerSecond) * 100)}% reached)`,
    ),
    row('first as-of blast radius after the ingest (code path cold)', (f) => `${fmt(f.firstAsOfBlastMs, 2)} ms`),
    row('as-of blast radius of a user', (f) => `p50 ${fmt(f.asOfBlastRadius.p50, 2)} ms, p99 ${fmt(f.asOfBlastRadius.p99, 2)} ms`),
    row('as-of inventory of a user', (f) => `p50 ${fmt(f.asOfInventory.p50, 2)} ms, p99 ${fmt(f.asOfInventory.p99, 2)} ms`),
    row('live check of a token', (f) => `p50 ${fmt(f.liveCheck.p50, 2)} ms, p99 ${fmt(f.liveCheck.p99, 2)} ms`),
    row('disk per event (store + read models)', (f) => `${fmt(f.diskBytesPerEvent)} B`),
  ]);
}

async function measure(events: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-scale-'));
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      port: 0,
      dataDir: join(dir, 'data'),
      logLevel: 'info',
      maxFactsPerBatch: 1001,
      tenants: [
        {
          id: 'scale',
          apiKeys: [
            { name: 'bench', sha256: createHash('sha256').update(KEY).digest('hex'), roles: ['ingest', 'read', 'respond', 'audit'] },
          ],
        },
      ],
    }),
  );
  // As `npm start` runs it: no heap flags.
  let server = await startLedgerProcess(config);
  try {
    const rssBefore = rssMb(server.child);
    const batches = Math.ceil(events / (TOKENS_PER_BATCH + 1));
    const now = Date.now();
    let liveTokens = 0;
    let sent = 0;
    const started = performance.now();
    const positionsByBatch: number[] = [];
    let next = 0;
    const worker = async () => {
      for (;;) {
        const batch = next++;
        if (batch >= batches) return;
        const live = batch % 10 === 0;
        const user = `u${batch % Math.max(1, Math.floor(batches / 4))}`;
        const session = `s${batch}`;
        const facts: unknown[] = [
          { type: 'session.started', sessionId: session, userId: user, deviceId: `d${batch % 997}`, startedAt: now - 7_200_000 },
        ];
        for (let i = 0; i < TOKENS_PER_BATCH; i++) {
          const expiresAt = live ? now + 86_400_000 : now - 3_600_000;
          facts.push({
            type: 'token.minted',
            kind: 'access',
            format: 'jwt',
            tokenId: `t${batch}-${i}`,
            sessionId: session,
            issuedAt: now - 7_200_000,
            expiresAt,
          });
        }
        if (batch % 50 === 0) facts.push({ type: 'agent.spawned', agentId: `a${batch}`, sessionId: session });
        const response = await post(server.url, '/v1/tenants/scale/facts', { facts });
        if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${JSON.stringify(response.body)}`);
        positionsByBatch[batch] = (response.body as { position: number }).position;
        sent += facts.length;
        if (live) liveTokens += TOKENS_PER_BATCH;
        if (batch % 400 === 399)
          await post(server.url, '/v1/tenants/scale/terminations', {
            scope: 'session_scoped_revocation',
            target: { type: 'session', id: session },
            reason: 'bench',
          });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const ingestSeconds = (performance.now() - started) / 1000;
    const ingested = await waitReady(server.url);
    const rss = rssMb(server.child);
    const memoryAfterIngest = await memoryBreakdown(server.url, server.child.pid, rss);
    // The durable read models follow on their own thread: how far behind the ingest they finished.
    const lagStarted = performance.now();
    await waitDurable(server.url, ingested);
    const durableLagMs = performance.now() - lagStarted;
    // Once idle, V8 gives back the heap the ingest's garbage had grown (its memory reducer).
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const rssIdle = rssMb(server.child);

    const midPosition = positionsByBatch[Math.floor(batches / 2)] ?? 1;
    const users = Math.max(1, Math.floor(batches / 4));
    const blast = (i: number) => get(server.url, `/v1/tenants/scale/blast-radius/user/u${i % users}?position=${midPosition}`);
    const inventory = (i: number) => get(server.url, `/v1/tenants/scale/users/u${i % users}/sessions?position=${midPosition}`);
    const check = (i: number) =>
      post(server.url, '/v1/tenants/scale/check', { tokenId: `t${(i % batches) - ((i % batches) % 10)}-${i % TOKENS_PER_BATCH}` });
    // The first as-of query pays for compiling its code path: printed on its own. Each figure is then
    // taken after 20 requests of warm-up on other users and tokens (the measured ones stay cold on disk).
    const firstAsOfBlastMs = (await timed(1, () => blast(3))).p50;
    await timed(20, (i) => blast(i * 7 + 3));
    const asOfBlast = await timed(100, (i) => blast(i * 7));
    await timed(20, (i) => inventory(i * 7 + 3));
    const asOfInventory = await timed(200, (i) => inventory(i * 7));
    await timed(20, (i) => check(i + 1000));
    const liveCheck = await timed(500, check);

    await stopLedger(server);
    const restartStarted = performance.now();
    server = await startLedgerProcess(config);
    const head = await waitReady(server.url);
    const restartToReadyMs = performance.now() - restartStarted;
    const rssAfterRestartMb = rssMb(server.child);
    await stopLedger(server);

    const rebuildStarted = performance.now();
    await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'rebuild', '--data-dir', join(dir, 'data')], {
      env: { ...process.env, KILLSWITCH_CONFIG: config },
    });
    const rebuildEventsPerSecond = head / ((performance.now() - rebuildStarted) / 1000);
    const rebuildCeilingEventsPerSecond = rawRebuildCeiling(join(dir, 'data', 'read-models.sqlite'), head);
    const disk = ['events.sqlite', 'events.sqlite-wal', 'read-models.sqlite', 'read-models.sqlite-wal'].reduce(
      (n, file) => n + sizeOf(join(dir, 'data', file)),
      0,
    );
    return {
      events: head,
      liveTokens,
      ingestFactsPerSecond: sent / ingestSeconds,
      rssAfterIngestMb: rss,
      memoryAfterIngest,
      rssIdleMb: rssIdle,
      rssAfterRestartMb,
      rssGrowthPerLiveTokenBytes: ((rss - rssBefore) * 1024 * 1024) / Math.max(1, liveTokens),
      restartToReadyMs,
      durableLagMs,
      rebuildEventsPerSecond,
      rebuildCeilingEventsPerSecond,
      firstAsOfBlastMs,
      asOfBlastRadius: asOfBlast,
      asOfInventory,
      liveCheck,
      diskBytesPerEvent: disk / head,
    };
  } finally {
    if (server.child.exitCode === null) await stopLedger(server);
    // KS_SCALE_KEEP=1 keeps the data directory (to profile a restart by hand).
    if (process.env.KS_SCALE_KEEP === '1') process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What SQLite itself allows a rebuild on this machine: every row the rebuild left in the read-model
 * tables, read back and inserted with raw better-sqlite3 (one prepared statement a table, 10,000
 * rows a transaction, no journal, no fsync, the rebuild's page cache) into a fresh file with the
 * same schema, in key order (a B-tree's cheapest). Only the inserts are timed; events/s is the
 * rebuild's events over that time. A generous ceiling: the rebuild also reads and decodes every
 * event and inserts in store order.
 */
function rawRebuildCeiling(readModels: string, events: number): number {
  const source = new Database(readModels, { readonly: true });
  const target = `${readModels}.ceiling`;
  const db = new Database(target);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const schema = source
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{
      type: string;
      name: string;
      sql: string;
    }>;
    for (const { sql } of [...schema.filter((s) => s.type === 'table'), ...schema.filter((s) => s.type !== 'table')]) db.exec(sql);
    let insertMs = 0;
    for (const { name } of schema.filter((s) => s.type === 'table')) {
      const columns = (source.prepare(`PRAGMA table_info("${name}")`).all() as unknown[]).length;
      const insert = db.prepare(`INSERT INTO "${name}" VALUES (${Array(columns).fill('?').join(', ')})`);
      const write = db.transaction((rows: unknown[][]) => {
        for (const row of rows) insert.run(row);
      });
      let rows: unknown[][] = [];
      const flush = () => {
        const started = performance.now();
        write(rows);
        insertMs += performance.now() - started;
        rows = [];
      };
      for (const row of source.prepare(`SELECT * FROM "${name}"`).raw(true).iterate() as Iterable<unknown[]>) {
        rows.push(row);
        if (rows.length === 10_000) flush();
      }
      flush();
    }
    return events / (insertMs / 1000);
  } finally {
    db.close();
    source.close();
    rmSync(target, { force: true });
  }
}

const sizeOf = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Where the RSS is, from the ledger's own metrics: the main thread's JavaScript heap (committed;
 * its young generation apart), memory held outside it (buffers, typed arrays), and the rest
 * (SQLite's page caches, code, malloc's free lists); the read-model writer thread's heap
 * (its own metric), and the pages mapped from files (node's code and libraries).
 */
async function memoryBreakdown(url: string, pid: number | undefined, rssMbNow: number): Promise<string> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
  const text = await response.text();
  const metric = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN) / 1024 / 1024;
  const heap = metric(/^killswitch_nodejs_heap_size_total_bytes (\S+)/m);
  const young = metric(/^killswitch_nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m);
  const external = metric(/^killswitch_nodejs_external_memory_bytes (\S+)/m);
  const writer = metric(/^killswitch_read_model_writer_heap_bytes (\S+)/m);
  // Pages mapped from files (node's own code, shared libraries): what any Node process holds.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const file = Number(/RssFile:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const rest = rssMbNow - heap - external - writer - file;
  return `${fmt(heap)} MB / ${fmt(young)} MB / ${fmt(external)} MB / ${fmt(writer)} MB / ${fmt(file)} MB / ${fmt(rest)} MB`;
}

async function timed(count: number, request: (i: number) => Promise<{ status: number }>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await request(i);
    samples.push(performance.now() - started);
    if (response.status >= 500) throw new Error(`answered ${response.status}`);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function post(url: string, path: string, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
}

async function get(url: string, path: string) {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  await response.arrayBuffer();
  return { status: response.status };
}

/** Resolves with the store's head once the ledger reports its projections caught up. */
async function waitReady(url: string): Promise<number> {
  for (;;) {
    const response = await fetch(`${url}/readyz`).catch(() => null);
    if (response?.status === 200) return ((await response.json()) as { head: number }).head;
    await response?.arrayBuffer();
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once the durable read models have committed `position`. */
async function waitDurable(url: string, position: number): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}/readyz`).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { durable?: number } | null;
    if ((body?.durable ?? 0) >= position) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopLedger(server: { child: ChildProcess }): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}
