import { describe, expect, it } from 'vitest';
import { BatchQueue, type Settled } from './batch-queue.ts';
import { KeyedMutex } from './keyed-mutex.ts';

/** Jobs are `owner:name`; a batch takes at most one job per owner. */
function queue(mutex = new KeyedMutex()) {
  const batches: string[][] = [];
  const q = new BatchQueue<string, string>(
    mutex,
    async (key, jobs) => {
      batches.push([...jobs]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return jobs.map((job): Settled<string> =>
        job.endsWith('!') ? { ok: false, error: new Error(job) } : { ok: true, value: `${key}/${job}` },
      );
    },
    (_key, jobs) => {
      const owners = new Set<string>();
      return jobs.flatMap((job, i) => {
        const owner = job.split(':')[0] as string;
        if (owners.has(owner)) return [];
        owners.add(owner);
        return [i];
      });
    },
  );
  return { q, batches };
}

describe('batch queue', () => {
  it('batches what arrives together, keeps two jobs of one owner apart, in arrival order', async () => {
    const { q, batches } = queue();
    const results = await Promise.all(['a:1', 'b:1', 'a:2', 'c:1', 'a:3'].map((job) => q.submit('t', job)));
    expect(results).toEqual(['t/a:1', 't/b:1', 't/a:2', 't/c:1', 't/a:3']);
    expect(batches).toEqual([['a:1', 'b:1', 'c:1'], ['a:2'], ['a:3']]);
  });

  it("rejects only the job that failed; another key's jobs run in their own batches", async () => {
    const { q, batches } = queue();
    const outcomes = await Promise.allSettled([q.submit('t', 'a:1'), q.submit('t', 'b:oops!'), q.submit('u', 'a:1')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toContainEqual(['a:1']);
    expect(batches.flat().sort()).toEqual(['a:1', 'a:1', 'b:oops!']);
  });

  it("never overlaps the key's other work on the same mutex", async () => {
    const mutex = new KeyedMutex();
    const { q } = queue(mutex);
    const order: string[] = [];
    const other = mutex.run('t', async () => {
      order.push('other start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('other end');
    });
    const job = q.submit('t', 'a:1').then(() => order.push('job done'));
    await Promise.all([other, job]);
    expect(order).toEqual(['other start', 'other end', 'job done']);
  });
});
