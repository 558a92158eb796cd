import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventStoreContract } from '../contract.ts';
import { activity } from '../test-events.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';

eventStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-store-'));
  const path = join(dir, 'events.sqlite');
  let store = new SqliteEventStore({ path });
  return {
    store,
    async reopen() {
      await store.close();
      store = new SqliteEventStore({ path });
      return store;
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('reads of what this process just appended', () => {
  it('equal reads from the file, around another writer’s appends (gaps), page by page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-store-'));
    const path = join(dir, 'events.sqlite');
    const store = new SqliteEventStore({ path });
    const other = new SqliteEventStore({ path }); // another process writing to the same file
    try {
      const append = (on: SqliteEventStore, i: number) =>
        on.append({ streamId: `session-acme:${randomUUID()}`, expected: 'any', events: [activity(`s${i}`, i), activity(`s${i}`, i + 1)] });
      for (let i = 0; i < 30; i++) await append(i % 7 === 3 ? other : store, i);
      await store.headPosition(); // it knows the head, the other's appends included
      const fresh = new SqliteEventStore({ path }); // reads only from the file
      try {
        for (const [after, maxCount] of [
          [0, 100],
          [0, 5],
          [7, 3],
          [13, 100],
          [55, 10],
          [60, 10],
        ] as const) {
          expect(await store.readAll({ after, maxCount }), `after ${after}, ${maxCount}`).toEqual(await fresh.readAll({ after, maxCount }));
        }
      } finally {
        await fresh.close();
      }
    } finally {
      await store.close();
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
