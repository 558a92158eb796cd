import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activity } from './test-events.ts';
import { WrongExpectedVersion, type EventStore, type RecordedEvent } from './types.ts';

export interface ContractHarness {
  store: EventStore;
  /** Closes the store and opens the same storage again (durability). */
  reopen(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

async function waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The behaviour every event-store engine must show. Engines run it from their own test file. */
export interface ContractCapabilities {
  /** The embedded engine's positions have no holes; EventStoreDB's commit positions only increase. */
  readonly gapFreePositions: boolean;
  readonly streamPrefix?: string;
}

export function eventStoreContract(
  engine: string,
  open: () => Promise<ContractHarness>,
  capabilities: ContractCapabilities = { gapFreePositions: true },
): void {
  describe(`event store contract: ${engine}`, () => {
    let harness: ContractHarness;
    let store: EventStore;
    const stream = () => `${capabilities.streamPrefix ?? ''}session-acme:${randomUUID()}`;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });
    afterEach(async () => harness.cleanup());

    it('appends and reads a stream back in order, decoded', async () => {
      const id = stream();
      const result = await store.append({ streamId: id, expected: 'no_stream', events: [activity('s1', 1), activity('s1', 2)] });
      expect(result.nextExpectedRevision).toBe(1);
      const events = await store.readStream(id);
      expect(events.map((e) => [e.revision, e.event.type, (e.event.data as { at: number }).at])).toEqual([
        [0, 'SessionActivityRecorded', 1],
        [1, 'SessionActivityRecorded', 2],
      ]);
      expect(events[0]?.metadata.tenant).toBe('acme');
    });

    it('rejects a wrong expected revision with the stream and both versions, and writes nothing', async () => {
      const id = stream();
      await store.append({ streamId: id, expected: 'no_stream', events: [activity('s1', 1)] });
      const error = await store.append({ streamId: id, expected: 'no_stream', events: [activity('s1', 2)] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedVersion);
      expect(error).toMatchObject({ type: 'WrongExpectedVersion', streamId: id, expected: 'no_stream', actual: 0 });
      await expect(store.append({ streamId: id, expected: 5, events: [activity('s1', 3)] })).rejects.toMatchObject({ actual: 0 });
      await expect(store.append({ streamId: stream(), expected: 'stream_exists', events: [activity('s', 1)] })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      await store.append({ streamId: id, expected: 0, events: [activity('s1', 4)] });
      expect((await store.readStream(id)).length).toBe(2);
    });

    it('appendMany fails only the conflicting request', async () => {
      const [a, b] = [stream(), stream()];
      await store.append({ streamId: a, expected: 'no_stream', events: [activity('a', 1)] });
      const outcomes = await store.appendMany([
        { streamId: a, expected: 'no_stream', events: [activity('a', 2)] },
        { streamId: b, expected: 'no_stream', events: [activity('b', 1)] },
      ]);
      expect(outcomes[0]).toBeInstanceOf(WrongExpectedVersion);
      expect(outcomes[1]).toMatchObject({ nextExpectedRevision: 0 });
      expect((await store.readStream(b)).length).toBe(1);
    });

    it('reads all from a position with gap-free positions', async () => {
      const before = await store.headPosition();
      for (let i = 0; i < 5; i++) await store.append({ streamId: stream(), expected: 'any', events: [activity('x', i), activity('x', i)] });
      const all = await store.readAll({ after: before, maxCount: 100 });
      const positions = all.map((e) => e.position);
      expect(positions.length).toBeGreaterThanOrEqual(10);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
      if (capabilities.gapFreePositions) expect(positions.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => before + i + 1));
      const middle = positions[6] as number;
      const tail = await store.readAll({ after: middle, maxCount: 100 });
      expect(tail.map((e) => e.position)).toEqual(positions.slice(7));
    });

    it('catch-up subscription delivers history, then switches to live', async () => {
      const before = await store.headPosition();
      for (let i = 0; i < 25; i++) await store.append({ streamId: stream(), expected: 'any', events: [activity('h', i)] });
      const seen: RecordedEvent[] = [];
      let caughtUpAt = -1;
      const subscription = store.subscribeToAll({
        after: before,
        batchSize: 10,
        onEvents: (events) => void seen.push(...events),
        onCaughtUp: (position) => (caughtUpAt = position),
      });
      await waitUntil(() => caughtUpAt >= 0);
      expect(seen.length).toBeGreaterThanOrEqual(25);
      if (capabilities.gapFreePositions) expect(caughtUpAt).toBe(before + 25);
      const count = seen.length;
      await store.append({ streamId: stream(), expected: 'any', events: [activity('live', 1)] });
      await waitUntil(() => seen.some((e) => (e.event.data as { sessionId?: string }).sessionId === 'live'));
      expect(seen.length).toBeGreaterThan(count);
      const positions = seen.map((e) => e.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      if (capabilities.gapFreePositions) expect(positions).toEqual(Array.from({ length: 26 }, (_, i) => before + i + 1));
      await subscription.stop();
    });

    it('keeps acknowledged events across a reopen', async () => {
      const id = stream();
      await store.append({ streamId: id, expected: 'no_stream', events: [activity('d', 1)] });
      store = await harness.reopen();
      expect((await store.readStream(id)).length).toBe(1);
      await store.append({ streamId: id, expected: 0, events: [activity('d', 2)] });
      expect((await store.readStream(id)).length).toBe(2);
    });
  });
}
