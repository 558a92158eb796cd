import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { eventStoreContract } from '../contract.ts';
import { EventStoreDbEventStore } from './eventstoredb-event-store.ts';

const url = process.env.EVENTSTOREDB_URL;

/**
 * EventStoreDB cannot run on this project's machines: these contract tests run only where
 * EVENTSTOREDB_URL points at a real node or cluster (e.g. `esdb://localhost:2113?tls=false`).
 */
if (url) {
  eventStoreContract(
    'eventstoredb',
    async () => {
      let store = new EventStoreDbEventStore({ connectionString: url });
      return {
        store,
        async reopen() {
          await store.close();
          store = new EventStoreDbEventStore({ connectionString: url });
          return store;
        },
        async cleanup() {
          await store.close();
        },
      };
    },
    { gapFreePositions: false, streamPrefix: `t${randomUUID().slice(0, 8)}` },
  );
} else {
  describe('event store contract: eventstoredb', () => {
    it.skip('needs EVENTSTOREDB_URL (no EventStoreDB server can run on this machine)', () => undefined);
  });
}
