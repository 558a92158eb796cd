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
import { toRecordedEvent, type EventRow } from './rows.ts';

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:' for tests that need no durability. */
  readonly path: string;
  readonly registry?: SchemaRegistry;
  readonly now?: () => number;
  /** How often a live subscription looks for events appended by another process. */
  readonly pollMs?: number;
}

/** The embedded engine: one SQLite file, WAL, group commit. The default for `npm start`. */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly registry: SchemaRegistry;
  private readonly committer: GroupCommitter;
  private readonly readAllStmt: Database.Statement;
  private readonly readStreamStmt: Database.Statement;
  private readonly headStmt: Database.Statement;
  private readonly waiters = new Set<() => void>();
  private readonly pollMs: number;
  private head: number;
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    this.db = openDatabase(options.path);
    this.registry = options.registry ?? SchemaRegistry.load('events');
    this.pollMs = options.pollMs ?? 50;
    this.committer = new GroupCommitter(this.db, this.registry, options.now ?? Date.now, (head) => this.committed(head));
    this.readAllStmt = this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
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
    const rows = this.readAllStmt.all(options.after, options.maxCount) as EventRow[];
    return rows.map((row) => toRecordedEvent(this.registry, row));
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

  private committed(head: number): void {
    this.head = Math.max(this.head, head);
    for (const wake of [...this.waiters]) wake();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosed();
  }
}
