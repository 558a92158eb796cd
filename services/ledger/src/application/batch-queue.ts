import type { KeyedMutex } from './keyed-mutex.ts';

interface Queued<J, R> {
  readonly job: J;
  readonly resolve: (result: R | PromiseLike<R>) => void;
  readonly reject: (error: unknown) => void;
}

/** One job's answer, as a batch gives it: a result or an error of its own. */
export type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/**
 * Runs a tenant's jobs in batches, each batch in the tenant's turn of the `mutex` (so it never
 * interleaves with the tenant's other decisions). Jobs that arrive while a batch is being written
 * wait and go together in the next one: one durable write for many commands, instead of one each.
 *
 * `split` picks, in order, the jobs that may share a batch (the rest wait for the following one):
 * jobs that could see each other's effects must not be decided on the same view.
 */
export class BatchQueue<J, R> {
  private readonly queues = new Map<string, Array<Queued<J, R>>>();

  constructor(
    private readonly mutex: KeyedMutex,
    /** A job's value may still be pending (work that may overlap the next batch). */
    private readonly run: (key: string, jobs: readonly J[]) => Promise<ReadonlyArray<Settled<R | PromiseLike<R>>>>,
    private readonly split: (key: string, jobs: readonly J[]) => number[],
  ) {}

  submit(key: string, job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) return void queue.push({ job, resolve, reject });
      this.queues.set(key, [{ job, resolve, reject }]);
      void this.mutex.run(key, () => this.drain(key));
    });
  }

  private async drain(key: string): Promise<void> {
    let pending = this.queues.get(key) ?? [];
    this.queues.delete(key); // jobs arriving from now on start the next drain, behind this one
    while (pending.length > 0) {
      const chosen = new Set(
        this.split(
          key,
          pending.map((q) => q.job),
        ),
      );
      if (chosen.size === 0) chosen.add(0);
      const batch = pending.filter((_, i) => chosen.has(i));
      pending = pending.filter((_, i) => !chosen.has(i));
      try {
        const settled = await this.run(
          key,
          batch.map((q) => q.job),
        );
        batch.forEach((q, i) => {
          const outcome = settled[i] as Settled<R | PromiseLike<R>>;
          if (outcome.ok) q.resolve(outcome.value);
          else q.reject(outcome.error);
        });
      } catch (error) {
        for (const q of batch) q.reject(error);
      }
    }
  }
}
