import type { RecordedEvent, Subscription, SubscriptionOptions } from './types.ts';

export interface CatchUpSource {
  readAll(options: { after: number; maxCount: number }): Promise<RecordedEvent[]>;
  /** Resolves when new events may be available (or after `pollMs` at the latest). */
  waitForAppend(after: number, pollMs: number): Promise<void>;
}

/**
 * A catch-up subscription: pages through history from `after`, then switches to live by
 * waiting for append notifications (with polling as a fallback for other processes' writes).
 */
export function catchUpSubscription(source: CatchUpSource, options: SubscriptionOptions, pollMs = 50): Subscription {
  const batchSize = options.batchSize ?? 1000;
  let position = options.after;
  let running = true;
  let caughtUp = false;
  const loop = (async () => {
    while (running) {
      const events = await source.readAll({ after: position, maxCount: batchSize });
      if (!running) break;
      if (events.length > 0) {
        await options.onEvents(events);
        position = (events[events.length - 1] as RecordedEvent).position;
        if (events.length === batchSize) continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        options.onCaughtUp?.(position);
      }
      await source.waitForAppend(position, pollMs);
    }
  })().catch((error: unknown) => {
    running = false;
    if (options.onError) options.onError(error);
    else throw error;
  });
  return {
    get position() {
      return position;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
