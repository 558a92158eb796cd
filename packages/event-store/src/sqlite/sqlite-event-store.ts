import type Database from 'better-sqlite3';
import { SchemaRegistry } from '@killswitch/schemas';
import { catchUpSubscription } from '../catch-up.ts';
import {
  EventStoreClosed,
  WrongExpectedVersion,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type RecordedEvent,
  type Subscription,
  type SubscriptionOptions,
} from '../types.ts';
import { GroupCommitter } from './append.ts';
import { openDatabase } from './open.ts';
import { EVENT_COLUMNS, rawToRecordedEvent, toRecordedEvent, type EventRow, type RawEventRow } from './rows.ts';

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:' for tests that need no durability. */
  readonly path: string;
  readonly registry?: SchemaRegistry;
  readonly now?: () => number;
  /** How often a live subscription looks for events appended by another process. */
  readonly pollMs?: number;
}

/** How many of the latest appended rows are kept for this process's readers (two to four batches of 1,000 facts in flight; a few MB). */
const RECENT_ROWS = 4_096;

/** The embedded engine: one SQLite file, WAL, group commit. The default for `npm start`. */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly registry: SchemaRegistry;
  private readonly committer: GroupCommitter;
  private readonly readAllStmt: Database.Statement;
  private readonly readStreamStmt: Database.Statement;
  private readonly headStmt: Database.Statement;
  private readonly waiters = new Set<() => void>();
  /**
   * The rows of the latest commits, in position order: this process's subscribers (the
   * projections) read what was just appended from here instead of back from the file. Rows, not
   * decoded events: they are decoded exactly as a read from the file would be.
   */
  private recent: EventRow[] = [];
  private readonly pollMs: number;
  private head: number;
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    this.db = openDatabase(options.path);
    this.registry = options.registry ?? SchemaRegistry.load('events');
    this.pollMs = options.pollMs ?? 50;
    this.committer = new GroupCommitter(this.db, this.registry, options.now ?? Date.now, (head, rows) => this.committed(head, rows));
    this.readAllStmt = this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true);
    this.readStreamStmt = this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?');
    this.headStmt = this.db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck();
    this.head = Number(this.headStmt.get());
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const [outcome] = await this.appendMany([request]);
    if (outcome instanceof WrongExpectedVersion) throw outcome;
    return outcome as AppendResult;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<Array<AppendResult | WrongExpectedVersion>> {
    this.assertOpen();
    return this.committer.enqueue(requests);
  }

  async readStream(streamId: string, options: { fromRevision?: number; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const rows = this.readStreamStmt.all(streamId, options.fromRevision ?? 0, options.maxCount ?? -1) as EventRow[];
    return rows.map((row) => toRecordedEvent(this.registry, row));
  }

  async readAll(options: { after: number; maxCount: number }): Promise<RecordedEvent[]> {
    this.assertOpen();
    const recent = this.recentRows(options.after, options.maxCount);
    if (recent) return recent.map((row) => toRecordedEvent(this.registry, row));
    return (this.readAllStmt.all(options.after, options.maxCount) as RawEventRow[]).map((row) => rawToRecordedEvent(this.registry, row));
  }

  /**
   * What a read of the file would return, when the recent rows hold all of it: a run of
   * consecutive positions from `after + 1`, either `maxCount` long or up to the head (another
   * process's appends leave gaps, and a gap sends the read to the file).
   */
  private recentRows(after: number, maxCount: number): EventRow[] | null {
    const recent = this.recent;
    const first = recent[0];
    if (!first || first.position > after + 1 || maxCount <= 0) return null;
    let low = 0;
    let high = recent.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((recent[middle] as EventRow).position <= after) low = middle + 1;
      else high = middle;
    }
    if (low >= recent.length || (recent[low] as EventRow).position !== after + 1) return null;
    let end = low + 1;
    while (end < recent.length && end - low < maxCount && (recent[end] as EventRow).position === (recent[end - 1] as EventRow).position + 1)
      end++;
    if (end - low < maxCount && (recent[end - 1] as EventRow).position !== this.head) return null;
    return recent.slice(low, end);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    this.head = Math.max(this.head, Number(this.headStmt.get()));
    return this.head;
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    return catchUpSubscription(
      { readAll: (o) => this.readAll(o), waitForAppend: (after, pollMs) => this.waitForAppend(after, pollMs) },
      options,
      this.pollMs,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiters) wake();
    this.db.close();
  }

  private waitForAppend(after: number, pollMs: number): Promise<void> {
    if (this.head > after || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, pollMs);
      this.waiters.add(wake);
    });
  }

  private committed(head: number, rows: readonly EventRow[]): void {
    this.head = Math.max(this.head, head);
    if (rows.length > 0) {
      for (const row of rows) this.recent.push(row);
      if (this.recent.length > 2 * RECENT_ROWS) this.recent = this.recent.slice(-RECENT_ROWS);
    }
    for (const wake of [...this.waiters]) wake();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosed();
  }
}
