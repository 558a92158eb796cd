import { existsSync, renameSync, rmSync } from 'node:fs';
import type { EventStore, RecordedEvent } from '@killswitch/event-store';
import { ReadModelDb, type DurableProjection } from './read-model-db.ts';

export interface RebuildProgress {
  readonly position: number;
  readonly head: number;
  readonly events: number;
}

/**
 * Builds the durable read models from position 0 into a fresh database at `path` (replacing any
 * earlier attempt there), in batches, reporting progress. The database it returns is complete up
 * to the store's head at the time it finished.
 */
export async function rebuildReadModels(
  store: EventStore,
  path: string,
  projections: readonly DurableProjection[],
  onProgress: (progress: RebuildProgress) => void = () => {},
  batchSize = 10_000,
): Promise<ReadModelDb> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  // A scratch file until it is swapped in, and rebuilt from zero if the rebuild dies: no journal,
  // no fsync, and a page cache that holds the indexes being filled. WAL again before it is used.
  const db = new ReadModelDb(path, { cacheMiB: 256 });
  db.db.pragma('journal_mode = OFF');
  db.db.pragma('synchronous = OFF');
  for (const projection of projections) db.attach(projection);
  const head = await store.headPosition();
  let after = 0;
  let events = 0;
  for (;;) {
    const batch: RecordedEvent[] = await store.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) break;
    db.apply(batch);
    events += batch.length;
    after = (batch[batch.length - 1] as RecordedEvent).position;
    onProgress({ position: after, head, events });
    if (batch.length < batchSize) break;
  }
  db.db.pragma('journal_mode = WAL');
  db.db.pragma('synchronous = NORMAL');
  db.db.pragma('cache_size = -65536');
  return db;
}

/** Replaces the read-model database at `target` with the one at `source`, atomically (rename). */
export function swapReadModels(source: string, target: string): void {
  for (const suffix of ['-wal', '-shm']) if (existsSync(`${target}${suffix}`)) rmSync(`${target}${suffix}`);
  renameSync(source, target);
}
