import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SqliteEventStore, type AppendRequest } from '@killswitch/event-store';
import { tokenMinted } from '@killswitch/testing';
import { fmt, report } from './util.ts';

const CLI = fileURLToPath(new URL('../../services/ledger/src/cli.ts', import.meta.url));

/** `n` token mints of tenant `bench`, appended straight to an embedded store (1,000 per transaction). */
async function fill(path: string, n: number): Promise<void> {
  const store = new SqliteEventStore({ path });
  const now = Date.now();
  const metadata = {
    tenant: 'bench',
    correlationId: 'bench',
    causationId: null,
    actor: 'api-key:bench',
    source: 'api',
    idpEventTime: null,
  };
  for (let offset = 0; offset < n; offset += 1000) {
    const requests: AppendRequest[] = [];
    for (let i = offset; i < Math.min(n, offset + 1000); i++) {
      const session = `s${Math.floor(i / 10)}`;
      requests.push({
        streamId: `token-bench:t${i}`,
        expected: 'no_stream',
        events: [
          {
            event: tokenMinted({
              tokenId: `t${i}`,
              userId: `u${i % 50_000}`,
              sessionId: session,
              clientId: 'web',
              scope: 'openid profile',
              issuedAt: now,
              expiresAt: now + 3_600_000,
              lineage: { sessions: [session], agents: [], grants: [], deviceId: null },
            }),
            metadata,
          },
        ],
      });
    }
    await store.appendMany(requests);
  }
  await store.close();
}

/** Runs the CLI in its own process under /usr/bin/time: wall seconds and peak RSS (MB). */
function timed(args: string[]): { seconds: number; peakMb: number } {
  const run = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, KILLSWITCH_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cli ${args[0]} failed: ${run.stderr}`);
  const [, seconds, kb] = /TIME ([0-9.]+) ([0-9]+)/.exec(run.stderr) ?? [];
  return { seconds: Number(seconds), peakMb: Number(kb) / 1024 };
}

/** A sealed export of a tenant's raw events from the CLI (its own process), then `verify`, at 100k and at `total` events. */
export async function benchExport(total = 1_000_000): Promise<void> {
  const rows: Array<[string, string]> = [];
  for (const n of [100_000, total]) {
    const dir = mkdtempSync(join(tmpdir(), 'ks-bench-export-'));
    try {
      const path = join(dir, 'events.sqlite');
      await fill(path, n);
      // The ceiling: a raw better-sqlite3 scan of the same rows, no decoding.
      const raw = new Database(path, { readonly: true });
      const started = performance.now();
      let rowsRead = 0;
      for (const _row of raw.prepare('SELECT * FROM events').iterate()) rowsRead++;
      const rawRate = rowsRead / ((performance.now() - started) / 1000);
      raw.close();
      const out = join(dir, 'events.jsonl');
      const exported = timed(['export', '--kind', 'events', '--tenant', 'bench', '--data-dir', dir, '--out', out]);
      const csv = timed([
        'export',
        '--kind',
        'events',
        '--format',
        'csv',
        '--tenant',
        'bench',
        '--data-dir',
        dir,
        '--out',
        join(dir, 'events.csv'),
      ]);
      const verified = timed(['verify', '--file', out, '--data-dir', dir]);
      const label = `${fmt(n)} events`;
      rows.push(
        [
          `${label}: export JSON Lines (CLI process)`,
          `${fmt(n / exported.seconds)} events/s, peak RSS ${fmt(exported.peakMb)} MB, ${fmt(statSync(out).size / 1e6)} MB file`,
        ],
        [`${label}: export CSV (CLI process)`, `${fmt(n / csv.seconds)} events/s, peak RSS ${fmt(csv.peakMb)} MB`],
        [`${label}: verify chain and seal (CLI process)`, `${fmt(n / verified.seconds)} events/s, peak RSS ${fmt(verified.peakMb)} MB`],
        [`${label}: baseline, raw better-sqlite3 scan of the rows`, `${fmt(rawRate)} rows/s`],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report(
    'Sealed export of raw events, streamed from disk (wall time includes process start; flat memory = same peak RSS at both sizes)',
    rows,
  );
}
