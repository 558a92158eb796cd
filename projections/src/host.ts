import type { EventStore, RecordedEvent, Subscription } from '@killswitch/event-store';
import type { Projection } from './projection.ts';

interface Registered {
  projection: Projection<unknown>;
  state: unknown;
}

/**
 * Feeds projections from one catch-up subscription and tracks their checkpoint (the last
 * position applied), so a command can wait until its own events are visible.
 */
export class ProjectionHost {
  private readonly registered = new Map<string, Registered>();
  private subscription: Subscription | null = null;
  private checkpoint = 0;
  private lastEventId = '';
  private readonly appliedListeners: Array<(position: number) => void> = [];
  private live = false;
  private waiters: Array<{ position: number; resolve: () => void }> = [];
  private failure: unknown = null;

  /** `durable`: where each batch also goes to be written to the durable read models (from their own checkpoints). */
  constructor(
    private readonly store: EventStore,
    private readonly durable: { apply(events: readonly RecordedEvent[]): void } | null = null,
  ) {}

  register<S>(projection: Projection<S>): this {
    this.registered.set(projection.name, { projection: projection as Projection<unknown>, state: projection.initialState() });
    return this;
  }

  state<S>(projection: Projection<S>): S {
    const entry = this.registered.get(projection.name);
    if (!entry) throw new Error(`projection ${projection.name} is not registered`);
    return entry.state as S;
  }

  get position(): number {
    return this.checkpoint;
  }

  /** The projections' names, in the order their states appear in `capture` and `restore`. */
  get names(): string[] {
    return [...this.registered.keys()];
  }

  /** Every state as it is now, with the last event applied: what a hot snapshot holds. */
  capture(): { position: number; eventId: string; states: unknown[] } {
    return { position: this.checkpoint, eventId: this.lastEventId, states: [...this.registered.values()].map((e) => e.state) };
  }

  /** Starts from states captured at `position` (a hot snapshot) instead of from 0; before `start`. */
  restore(states: readonly unknown[], at: { position: number; eventId: string }): void {
    if (this.subscription) throw new Error('restore before start');
    [...this.registered.values()].forEach((entry, i) => (entry.state = entry.projection.revive(states[i])));
    this.checkpoint = at.position;
    this.lastEventId = at.eventId;
  }

  /** Called after each applied batch with the new checkpoint. */
  onApplied(listener: (position: number) => void): void {
    this.appliedListeners.push(listener);
  }

  get isLive(): boolean {
    return this.live && this.failure === null;
  }

  /** Replays history from the checkpoint (0, or a restored snapshot's), then follows live appends. Resolves once caught up. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.subscription = this.store.subscribeToAll({
        after: this.checkpoint,
        batchSize: 5000,
        onEvents: (events) => this.apply(events),
        onCaughtUp: () => {
          this.live = true;
          resolve();
        },
        onError: (error) => {
          this.failure = error;
          reject(error);
          for (const waiter of this.waiters) waiter.resolve();
        },
      });
    });
  }

  /** Resolves when every projection has applied `position`. */
  waitFor(position: number): Promise<void> {
    if (this.checkpoint >= position || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  apply(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      for (const entry of this.registered.values()) entry.state = entry.projection.evolve(entry.state, event);
    }
    this.durable?.apply(events);
    const last = events[events.length - 1];
    if (last) {
      this.checkpoint = last.position;
      this.lastEventId = last.id;
    }
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.position <= this.checkpoint);
      this.waiters = this.waiters.filter((w) => w.position > this.checkpoint);
      for (const waiter of ready) waiter.resolve();
    }
    for (const listener of this.appliedListeners) listener(this.checkpoint);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }
}

/** Builds a projection's state from position 0 up to `until` (inclusive): rebuilds and as-of queries. */
export async function replay<S>(store: EventStore, projection: Projection<S>, until = Number.MAX_SAFE_INTEGER): Promise<S> {
  let state = projection.initialState();
  let after = 0;
  for (;;) {
    const events = await store.readAll({ after, maxCount: 5000 });
    for (const event of events) {
      if (event.position > until) return state;
      state = projection.evolve(state, event);
    }
    if (events.length < 5000) return state;
    after = (events[events.length - 1] as RecordedEvent).position;
  }
}
