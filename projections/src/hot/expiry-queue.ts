import { reviveInstance } from '../projection.ts';
import { grown } from './interned-ids.ts';

/**
 * Keys grouped by expiry bucket and popped in expiry order, so that an entry leaves memory when
 * its bucket passes, without any scan: a min-heap of bucket numbers over a map of buckets.
 */
export class ExpiryQueue<K> {
  private readonly buckets = new Map<number, K[]>();
  private readonly heap: number[] = [];

  add(bucket: number, key: K): void {
    const keys = this.buckets.get(bucket);
    if (keys) {
      keys.push(key);
      return;
    }
    this.buckets.set(bucket, [key]);
    heapPush(this.heap, bucket);
  }

  /** Removes and returns every key of the buckets strictly below `bucket`, earliest first. */
  popBefore(bucket: number): K[] {
    const out: K[] = [];
    while (this.heap.length > 0 && (this.heap[0] as number) < bucket) {
      const top = heapPop(this.heap);
      for (const key of this.buckets.get(top) ?? []) out.push(key);
      this.buckets.delete(top);
    }
    return out;
  }

  /** Keys still waiting (for structural checks). */
  get size(): number {
    let n = 0;
    for (const keys of this.buckets.values()) n += keys.length;
    return n;
  }
}

/** One bucket of a `SlotQueue`: slot numbers, packed. */
interface SlotBucket {
  slots: Int32Array;
  length: number;
}

/**
 * An `ExpiryQueue` of token-table slots, each bucket packed in an Int32Array: 4 bytes a live
 * token instead of a JavaScript array's 8 (and its growth slack).
 */
export class SlotQueue {
  private readonly buckets = new Map<number, SlotBucket>();
  private readonly heap: number[] = [];

  add(bucket: number, slot: number): void {
    let into = this.buckets.get(bucket);
    if (!into) {
      into = { slots: new Int32Array(16), length: 0 };
      this.buckets.set(bucket, into);
      heapPush(this.heap, bucket);
    } else if (into.length === into.slots.length) into.slots = grown(into.slots, into.length * 2);
    into.slots[into.length++] = slot;
  }

  /** Calls `each` with every slot of the buckets strictly below `bucket` (earliest first), and drops them. */
  popBefore(bucket: number, each: (slot: number) => void): void {
    while (this.heap.length > 0 && (this.heap[0] as number) < bucket) {
      const top = heapPop(this.heap);
      const popped = this.buckets.get(top);
      this.buckets.delete(top);
      if (popped) for (let i = 0; i < popped.length; i++) each(popped.slots[i] as number);
    }
  }

  /** Slots still waiting (for structural checks). */
  get size(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.length;
    return n;
  }
}

function heapPush(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if ((heap[parent] as number) <= value) break;
    heap[i] = heap[parent] as number;
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0] as number;
  const last = heap.pop() as number;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
  }
  return top;
}

const BUCKET_MS = 60_000;
/** Entries stay a little past expiry so that clock skew between the RP and the ledger never revives a token. */
export const EXPIRY_GRACE_MS = 5 * 60_000;

/** The expiry bucket of an instant (grace included): buckets below the clock's are dead. */
export const expiryBucket = (expiresAt: number) => Math.floor((expiresAt + EXPIRY_GRACE_MS) / BUCKET_MS);
export const clockBucket = (clock: number) => Math.floor(clock / BUCKET_MS);

/** Per-tenant queues (`ExpiryQueue`, `SlotQueue`) back from a hot snapshot's structured clone. */
export function reviveQueues<Q extends object>(Queue: new () => Q, data: Map<string, Q>): Map<string, Q> {
  return new Map([...data].map(([tenant, queue]) => [tenant, reviveInstance(Queue, queue)]));
}
