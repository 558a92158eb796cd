import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../contract.ts';
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
