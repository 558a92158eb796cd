import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '@killswitch/event-store';

/**
 * A read model kept on disk: its tables (created by versioned migrations) and a pure mapping
 * from one event to row changes. It never reads a clock: every time it writes comes from the
 * event (store position, recorded time, the source's own event time).
 */
export interface DurableProjection {
  readonly name: string;
  /** Migration N (1-based) is `migrations[N - 1]`; applied once, in order, never edited once released. */
  readonly migrations: readonly string[];
  /** Prepares its statements once per database. */
  prepare(db: Database.Database): DurableWriter;
}

export interface DurableWriter {
  apply(event: RecordedEvent): void;
}

const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS read_model_migrations (
  projection TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (projection, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS read_model_checkpoints (
  projection TEXT PRIMARY KEY,
  position   INTEGER NOT NULL
) WITHOUT ROWID;
`;

interface Attached {
  readonly projection: DurableProjection;
  readonly writer: DurableWriter;
  checkpoint: number;
}

/**
 * The embedded read-model database (SQLite, WAL) in the data directory. Each batch of events is
 * written in one transaction together with every projection's checkpoint, so a process killed at
 * any point restarts from exactly the last batch it committed. `synchronous=NORMAL` is enough:
 * a commit lost to a power cut loses its checkpoint with it, and the batch is applied again from
 * the event store, which is the durable record.
 */
export class ReadModelDb {
  readonly db: Database.Database;
  private readonly attached: Attached[] = [];
  private readonly saveCheckpoint: Database.Statement;

  /** `cacheMiB`: SQLite's page cache; the writer's batches want a large one, a query connection little (the OS caches the file). */
  constructor(
    readonly path: string,
    options: { cacheMiB?: number } = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Batched inserts into several indexes: a larger page cache, and fewer (fsyncing) WAL checkpoints.
    this.db.pragma(`cache_size = -${(options.cacheMiB ?? 16) * 1024}`);
    this.db.pragma('wal_autocheckpoint = 16384');
    this.db.exec(BOOKKEEPING);
    this.saveCheckpoint = this.db.prepare(
      'INSERT INTO read_model_checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
    );
  }

  /** Migrates the projection's tables to its latest version and resumes it from its checkpoint. */
  attach(projection: DurableProjection): void {
    this.migrate(projection);
    const row = this.db.prepare('SELECT position FROM read_model_checkpoints WHERE projection = ?').get(projection.name) as
      { position: number } | undefined;
    this.attached.push({ projection, writer: projection.prepare(this.db), checkpoint: row?.position ?? 0 });
  }

  /** The lowest checkpoint: where the feed must resume for every attached projection. */
  get checkpoint(): number {
    return this.attached.length === 0 ? 0 : Math.min(...this.attached.map((a) => a.checkpoint));
  }

  /** A projection's committed checkpoint, as stored (also readable from a connection that writes nothing). */
  checkpointOf(name: string): number | undefined {
    const row = this.db.prepare('SELECT position FROM read_model_checkpoints WHERE projection = ?').get(name) as
      { position: number } | undefined;
    return row?.position;
  }

  /** Applies a batch: rows and checkpoints in one transaction. Events at or below a checkpoint are skipped. */
  apply(events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1];
    if (!last || this.attached.length === 0) return;
    this.db.transaction(() => {
      for (const entry of this.attached) {
        if (last.position <= entry.checkpoint) continue;
        for (const event of events) if (event.position > entry.checkpoint) entry.writer.apply(event);
        this.saveCheckpoint.run(entry.projection.name, last.position);
      }
    })();
    for (const entry of this.attached) entry.checkpoint = Math.max(entry.checkpoint, last.position);
  }

  close(): void {
    this.db.close();
  }

  /** Every row of every read-model table, in a canonical order: rebuild-equality checks compare these. */
  dump(): Record<string, unknown[]> {
    const tables = (
      this.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'read_model_migrations' ORDER BY name",
        )
        .all() as Array<{
        name: string;
      }>
    ).map((t) => t.name);
    const ordered = (table: string) => {
      const columns = (this.db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ cid: number }>).map((c) => c.cid + 1);
      return this.db.prepare(`SELECT * FROM "${table}" ORDER BY ${columns.join(', ')}`).all();
    };
    return Object.fromEntries(tables.map((table) => [table, ordered(table)]));
  }

  private migrate(projection: DurableProjection): void {
    const applied = new Set(
      (
        this.db.prepare('SELECT version FROM read_model_migrations WHERE projection = ?').all(projection.name) as Array<{ version: number }>
      ).map((r) => r.version),
    );
    const record = this.db.prepare('INSERT INTO read_model_migrations (projection, version, applied_at) VALUES (?, ?, ?)');
    projection.migrations.forEach((sql, index) => {
      const version = index + 1;
      if (applied.has(version)) return;
      this.db.transaction(() => {
        this.db.exec(sql);
        record.run(projection.name, version, Date.now());
      })();
    });
  }
}
