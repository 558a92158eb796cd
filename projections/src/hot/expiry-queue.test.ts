import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { reviveInstance } from '../projection.ts';
import { ExpiryQueue, SlotQueue } from './expiry-queue.ts';

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

  it('a slot queue pops the same slots in the same order as a plain queue, through growth and a structured clone', () => {
    const slots = new SlotQueue();
    const plain = new ExpiryQueue<number>();
    for (let slot = 0; slot < 5000; slot++) {
      const bucket = (slot * 7919) % 97;
      slots.add(bucket, slot);
      plain.add(bucket, slot);
    }
    const popped = (queue: SlotQueue, below: number) => {
      const out: number[] = [];
      queue.popBefore(below, (slot) => out.push(slot));
      return out;
    };
    expect(popped(slots, 40)).toEqual(plain.popBefore(40));
    expect(slots.size).toBe(plain.size);
    const clone = reviveInstance(SlotQueue, deserialize(serialize(slots)));
    expect(popped(clone, 1000)).toEqual(plain.popBefore(1000));
    expect(clone.size).toBe(0);
  });
});
