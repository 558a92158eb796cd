/**
 * The read-model writer thread: its own catch-up reader of the event store (the embedded file, or
 * the EventStoreDB cluster), and the read-model database's only writing connection. It applies
 * each batch (rows and checkpoints in one transaction) and reports the position it has committed.
 * The main thread only tells it how far the store has gone: no event is copied between threads,
 * and the decoding and the writes cost no request any time.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { EventStore } from '@killswitch/event-store';
import { SqliteEventStore } from '@killswitch/event-store/sqlite';
import { ReadModelDb } from './read-model-db.ts';
import { DURABLE_PROJECTIONS } from './registry.ts';

export interface WriterData {
  readonly path: string;
  readonly store: { engine: 'sqlite'; path: string } | { engine: 'eventstoredb'; connectionString: string };
}

type Message = { type: 'head'; position: number } | { type: 'close' };

const BATCH = 5000;
const port = parentPort;
if (!port) throw new Error('read-model-worker runs as a worker thread');
const data = workerData as WriterData;
// The EventStoreDB client (gRPC) is loaded only where it is used: the embedded engine boots fast.
const store: EventStore =
  data.store.engine === 'sqlite'
    ? new SqliteEventStore({ path: data.store.path })
    : new (await import('@killswitch/event-store/eventstoredb')).EventStoreDbEventStore({ connectionString: data.store.connectionString });
const db = new ReadModelDb(data.path);
for (const projection of DURABLE_PROJECTIONS) db.attach(projection);

let head = db.checkpoint;
let running: Promise<void> | null = null;
let closing = false;

/** Reads and applies batches until the committed position reaches the latest head it was told of. */
async function catchUp(): Promise<void> {
  while (!closing && db.checkpoint < head) {
    const events = await store.readAll({ after: db.checkpoint, maxCount: BATCH });
    if (events.length === 0) break;
    db.apply(events);
    port?.postMessage({ type: 'applied', position: db.checkpoint, heapBytes: getHeapStatistics().total_heap_size });
  }
}

function kick(): void {
  running ??= catchUp()
    .catch((error: unknown) => port?.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => {
      running = null;
      if (!closing && db.checkpoint < head) kick();
    });
}

port.postMessage({ type: 'ready', checkpoint: db.checkpoint });
port.on('message', (message: Message) => {
  if (message.type === 'head') {
    head = Math.max(head, message.position);
    kick();
    return;
  }
  closing = true;
  void (async () => {
    await running;
    db.close();
    await store.close();
    port.postMessage({ type: 'closed' });
    port.close();
  })();
});
