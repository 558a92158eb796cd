import { grown } from './interned-ids.ts';

/**
 * Rows of interned string ids, each held once: the strings a token carries besides its id (kind,
 * format, binding, thumbprint, client, scope, session, agent) repeat across the tokens minted in
 * one place, so a token holds one row number instead of a row. Rows are found by content through
 * hash chains in typed arrays (no key string per row), count their tokens, and are freed and
 * reused when the last one goes. All typed arrays: a hot snapshot carries them as they are.
 */
export class ProfileTable {
  private rows: Int32Array;
  private refs: Int32Array;
  /** Per row, the next row in its hash chain (-1: the end). */
  private next: Int32Array;
  /** Per bucket, the first row of its chain plus one (0: empty). */
  private buckets = new Int32Array(1024);
  private readonly free: number[] = [];
  private highWater = 0;
  private count = 0;

  constructor(readonly width = 1) {
    this.rows = new Int32Array(64 * width);
    this.refs = new Int32Array(64);
    this.next = new Int32Array(64);
  }

  /** Rows held (structural checks). */
  get size(): number {
    return this.count;
  }

  /** The flat rows (`row * width + column`): hot loops read them without a call per value. */
  get values(): Int32Array {
    return this.rows;
  }

  value(row: number, column: number): number {
    return this.rows[row * this.width + column] as number;
  }

  /** The row holding exactly `ids` (its first `width` values), or -1. */
  find(ids: Int32Array): number {
    const width = this.width;
    for (let row = (this.buckets[this.bucketOf(ids)] as number) - 1; row >= 0; row = this.next[row] as number) {
      let same = true;
      for (let c = 0; c < width && same; c++) same = this.rows[row * width + c] === ids[c];
      if (same) return row;
    }
    return -1;
  }

  /** A new row holding `ids`, with no holder yet (`retain` it). */
  add(ids: Int32Array): number {
    const row = this.free.pop() ?? this.highWater++;
    if (row >= this.refs.length) this.grow();
    const width = this.width;
    for (let c = 0; c < width; c++) this.rows[row * width + c] = ids[c] as number;
    this.refs[row] = 0;
    const bucket = this.bucketOf(ids);
    this.next[row] = (this.buckets[bucket] as number) - 1;
    this.buckets[bucket] = row + 1;
    this.count++;
    if (this.count > this.buckets.length) this.rehash(this.buckets.length * 2);
    return row;
  }

  retain(row: number): void {
    this.refs[row] = (this.refs[row] as number) + 1;
  }

  /** One holder lets go; returns true when that was the last and the row is freed (its values stay readable until reused). */
  release(row: number): boolean {
    const left = (this.refs[row] as number) - 1;
    this.refs[row] = left;
    if (left > 0) return false;
    const bucket = this.bucketOf(this.rows.subarray(row * this.width, (row + 1) * this.width));
    let at = (this.buckets[bucket] as number) - 1;
    if (at === row) this.buckets[bucket] = (this.next[row] as number) + 1;
    else {
      while (at >= 0 && this.next[at] !== row) at = this.next[at] as number;
      if (at >= 0) this.next[at] = this.next[row] as number;
    }
    this.free.push(row);
    this.count--;
    return true;
  }

  private bucketOf(ids: Int32Array): number {
    let h = 0x811c9dc5;
    for (let c = 0; c < this.width; c++) h = Math.imul(h ^ (ids[c] as number), 0x01000193);
    h ^= h >>> 15;
    return h & (this.buckets.length - 1);
  }

  private grow(): void {
    const size = this.refs.length * 2;
    this.rows = grown(this.rows, size * this.width);
    this.refs = grown(this.refs, size);
    this.next = grown(this.next, size);
  }

  /** Rebuilds the chains over more buckets (the free rows are not in any chain). */
  private rehash(buckets: number): void {
    const free = new Set(this.free);
    this.buckets = new Int32Array(buckets);
    for (let row = 0; row < this.highWater; row++) {
      if (free.has(row)) continue;
      const bucket = this.bucketOf(this.rows.subarray(row * this.width, (row + 1) * this.width));
      this.next[row] = (this.buckets[bucket] as number) - 1;
      this.buckets[bucket] = row + 1;
    }
  }
}
