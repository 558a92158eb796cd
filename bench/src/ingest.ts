import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventRow as StoreRow } from '@killswitch/event-store';
import type { Fact } from '@killswitch/ledger';
import { caller, fmt, report, withRuntime } from './util.ts';

/** A store row as written (its position aside). */
type EventRow = Omit<StoreRow, 'position'>;

/**
 * The ceiling: the very rows the ledger wrote (events and stream revisions), inserted with raw
 * better-sqlite3 into a fresh file with the same tables and pragmas, one transaction per batch.
 */
function rawInsertCeiling(rows: readonly EventRow[], batchSize: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-raw-'));
  const db = new Database(join(dir, 'raw.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL,
      type TEXT NOT NULL, schema_fp TEXT NOT NULL, data BLOB NOT NULL, metadata TEXT NOT NULL, recorded_at INTEGER NOT NULL, UNIQUE (stream_id, revision));
      CREATE TABLE streams (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;`);
    const insert = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, schema_fp, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const stream = db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    const write = db.transaction((batch: readonly EventRow[]) => {
      for (const r of batch) {
        insert.run(r.stream_id, r.revision, r.event_id, r.type, r.schema_fp, r.data, r.metadata, r.recorded_at);
        stream.run(r.stream_id, r.revision);
      }
    });
    const started = performance.now();
    for (let i = 0; i < rows.length; i += batchSize) write(rows.slice(i, i + batchSize));
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One session and its tokens: the shape of a real login burst. */
function batch(offset: number, size: number, now: number): Fact[] {
  const facts: Fact[] = [];
  for (let i = 0; facts.length < size; i++) {
    const session = `s${offset}-${i}`;
    facts.push({ type: 'session.started', sessionId: session, userId: `u${(offset + i) % 5000}`, startedAt: now });
    for (let t = 0; t < 9 && facts.length < size; t++) {
      facts.push({
        type: 'token.minted',
        kind: 'access',
        format: 'jwt',
        tokenId: `${session}-t${t}`,
        sessionId: session,
        issuedAt: now,
        expiresAt: now + 3_600_000,
      });
    }
  }
  return facts;
}

/** Facts ingested per second into the embedded store, durably (fsync per group commit). */
export async function benchIngest(total = 200_000, batchSize = 1000): Promise<{ batched: number; single: number }> {
  const now = Date.now();
  let rows: EventRow[] = [];
  const batched = await withRuntime(async ({ ledger }, config) => {
    const started = performance.now();
    // Four writers in flight, as four HTTP clients would be: group commit shares the fsyncs.
    const batches = Array.from({ length: total / batchSize }, (_, i) => batch(i * batchSize, batchSize, now));
    for (let i = 0; i < batches.length; i += 4) await Promise.all(batches.slice(i, i + 4).map((b) => ledger.ingest(caller, b)));
    const perSecond = total / ((performance.now() - started) / 1000);
    const db = new Database(join(config.dataDir, 'events.sqlite'), { readonly: true });
    rows = db
      .prepare('SELECT stream_id, revision, event_id, type, schema_fp, data, metadata, recorded_at FROM events ORDER BY position')
      .all() as EventRow[];
    db.close();
    return perSecond;
  });
  const ceiling = rawInsertCeiling(rows, batchSize);
  const singleCount = 2000;
  const single = await withRuntime(async ({ ledger }) => {
    const facts = batch(0, singleCount, now);
    const started = performance.now();
    for (const fact of facts) await ledger.ingest(caller, [fact]);
    return singleCount / ((performance.now() - started) / 1000);
  });
  report('Ingest into the embedded store (durable: WAL, synchronous=FULL)', [
    [`batched (${batchSize} facts/request, 4 in flight, ${fmt(total)} facts)`, `${fmt(batched)} facts/s   (target >= 100,000)`],
    [`baseline: one fact per request, sequential (${fmt(singleCount)} facts)`, `${fmt(single)} facts/s`],
    [
      `ceiling: the same ${fmt(rows.length)} rows, raw better-sqlite3 inserts, ${fmt(batchSize)} per transaction`,
      `${fmt(ceiling)} rows/s (${fmt((batched / ceiling) * 100)}% reached; target >= 100,000 facts/s)`,
    ],
  ]);
  return { batched, single };
}
