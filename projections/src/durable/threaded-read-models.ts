import { Worker } from 'node:worker_threads';
import type { RecordedEvent } from '@killswitch/event-store';
import { ReadModelDb } from './read-model-db.ts';
import type { WriterData } from './read-model-worker.ts';

type Reply =
  | { type: 'ready'; checkpoint: number }
  | { type: 'applied'; position: number; heapBytes: number }
  | { type: 'failed'; message: string }
  | { type: 'closed' };

/**
 * The durable read models, written by their own thread, which follows the event store on its own
 * connection: the projection host only tells it the new head and moves on, so the writes cost no
 * request any time. Reads use a connection of this thread and
 * first wait (`caughtUp`) until the writer has committed what the in-memory projections have
 * applied, so a read always sees the caller's own writes.
 */
export class ThreadedReadModels {
  private readonly worker: Worker;
  private db: ReadModelDb | null = null;
  private committed = 0;
  private posted = 0;
  private failure: Error | null = null;
  private waiters: Array<{ position: number; resolve: () => void; reject: (error: Error) => void }> = [];
  /** Resolves once the writer has migrated the database and knows its checkpoint. */
  readonly ready: Promise<void>;

  /**
   * Starts the writer thread on the database at `path` (migrating it), reading events from `store`
   * on its own connection. It boots while the in-memory projections catch up: await `ready`
   * before the first read.
   */
  constructor(
    private readonly path: string,
    store: WriterData['store'],
  ) {
    // The worker is TypeScript, like the rest: a small bootstrap registers the loader in its thread.
    const data: WriterData = { path, store };
    this.worker = new Worker(new URL('./read-model-worker.mjs', import.meta.url), {
      workerData: data,
      // Its garbage is short-lived (decoded batches): a small young generation keeps the thread's memory small.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (reply: Reply) => {
        if (reply.type === 'ready') {
          this.committed = Math.max(this.committed, reply.checkpoint);
          this.posted = Math.max(this.posted, reply.checkpoint);
          resolve();
        }
        this.onReply(reply);
      });
      this.worker.on('error', (error) => {
        reject(error);
        this.fail(error);
      });
    });
  }

  /** A connection for queries on this thread (WAL: readers never block the writer); opened once the writer is ready. */
  get reader(): ReadModelDb {
    if (!this.db) throw new Error('the read models are not ready yet: await ready');
    return this.db;
  }

  /** Waits until the writer is ready, then opens the reading connection. */
  async open(): Promise<this> {
    await this.ready;
    this.db ??= new ReadModelDb(this.path, { cacheMiB: 8 });
    return this;
  }

  /** The writer thread's JavaScript heap (committed), as of its last batch: it is not in the main thread's. */
  writerHeapBytes = 0;

  /** The position every read model has committed. */
  get checkpoint(): number {
    return this.committed;
  }

  /** Tells the writer how far the store has gone (it reads the events itself). */
  apply(events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1];
    if (!last || last.position <= this.posted) return;
    this.posted = last.position;
    this.worker.postMessage({ type: 'head', position: last.position });
  }

  /** Resolves once every event up to `position` that was posted is committed. */
  caughtUp(position: number): Promise<void> {
    const target = Math.min(position, this.posted);
    if (this.failure) return Promise.reject(this.failure);
    if (this.committed >= target) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ position: target, resolve, reject }));
  }

  private closing: Promise<void> | null = null;

  /** Waits for what was posted, then stops the writer. Closing twice waits for the same close. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.caughtUp(this.posted).catch(() => undefined);
      const closed = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ type: 'close' });
      await closed;
      this.db?.close();
    })();
    return this.closing;
  }

  private onReply(reply: Reply): void {
    if (reply.type === 'applied') {
      this.failure = null; // the writer retries from its checkpoint on the next head: a failed batch is not final
      this.committed = Math.max(this.committed, reply.position);
      this.writerHeapBytes = reply.heapBytes;
      const ready = this.waiters.filter((w) => w.position <= this.committed);
      this.waiters = this.waiters.filter((w) => w.position > this.committed);
      for (const waiter of ready) waiter.resolve();
    } else if (reply.type === 'failed') this.fail(new Error(`read-model writer: ${reply.message}`));
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }
}
