import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from './expiry-queue.ts';

describe('expiry queue', () => {
  it('pops keys in bucket order, only below the given bucket, each once', () => {
    const queue = new ExpiryQueue<string>();
    for (const [bucket, key] of [
      [5, 'e'],
      [1, 'a'],
      [3, 'c'],
      [1, 'b'],
      [9, 'z'],
      [4, 'd'],
    ] as const)
      queue.add(bucket, key);
    expect(queue.popBefore(1)).toEqual([]);
    expect(queue.popBefore(4)).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(3);
    expect(queue.popBefore(100)).toEqual(['d', 'e', 'z']);
    expect(queue.popBefore(100)).toEqual([]);
  });

  it('agrees with sorting on random input', () => {
    const queue = new ExpiryQueue<number>();
    const buckets = Array.from({ length: 2000 }, (_, i) => ({ bucket: Math.floor(Math.random() * 300), key: i }));
    for (const { bucket, key } of buckets) queue.add(bucket, key);
    const popped = [...queue.popBefore(150), ...queue.popBefore(300)];
    const expected = [...buckets].sort((a, b) => a.bucket - b.bucket).map((b) => b.bucket);
    const byKey = new Map(buckets.map((b) => [b.key, b.bucket]));
    expect(popped.map((k) => byKey.get(k))).toEqual(expected);
  });
});
