import { randomBytes } from 'node:crypto';

/** A 32-bit hash of a string (FNV-1a from a random basis, `seed`, then MurmurHash3's finalizer). */
export function hashId(id: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * Slots by id for a table that keeps each slot's id itself (`ids`): open addressing with linear
 * probing in one `Int32Array` (slot + 1; 0 is empty) at most half full, plus each slot's hash.
 * About 12 bytes per entry where a `Map` takes 30 to 40. It is all typed arrays, so a hot
 * snapshot carries it as it is and a restart copies it back, where a `Map` of 1M fresh strings
 * takes ~650 ms to rebuild. Deletion shifts the chain back (no tombstones). Each index draws its
 * own hash seed, so which ids share a probe chain cannot be worked out from outside.
 */
export class IdIndex {
  private readonly seed = randomBytes(4).readInt32LE(0);
  private table = new Int32Array(2048);
  private mask = 2047;
  private hashes = new Int32Array(1024);
  private count = 0;

  constructor(private ids: ReadonlyArray<string | undefined>) {
    // Sized once for what it is built from: no rehash on the way (a restart builds millions).
    let count = 0;
    for (const id of ids) if (id !== undefined) count++;
    let length = 2048;
    while (length < count * 2) length *= 2;
    this.table = new Int32Array(length);
    this.mask = length - 1;
    this.hashes = new Int32Array(Math.max(1024, ids.length));
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot];
      if (id !== undefined) this.add(id, slot);
    }
  }

  get size(): number {
    return this.count;
  }

  /** An index back from a hot snapshot's structured clone, over the table's restored `ids`. */
  static revive(data: unknown, ids: ReadonlyArray<string | undefined>): IdIndex {
    return Object.assign(new IdIndex([]), data, { ids });
  }

  /** Refers to `ids` instead of its table's until the returned function is called (a snapshot being written). */
  lendIds(ids: ReadonlyArray<string | undefined>): () => void {
    const own = this.ids;
    this.ids = ids;
    return () => {
      this.ids = own;
    };
  }

  /** The slot holding `id`, or -1. */
  get(id: string): number {
    const h = hashId(id, this.seed);
    const { table, mask, hashes, ids } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = table[i] as number;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (hashes[slot] === h && ids[slot] === id) return slot;
    }
  }

  /** Indexes `slot` (whose id is `id`, not indexed yet). */
  add(id: string, slot: number): void {
    if (slot >= this.hashes.length) {
      let length = this.hashes.length * 2;
      while (slot >= length) length *= 2;
      const grown = new Int32Array(length);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    const h = hashId(id, this.seed);
    this.hashes[slot] = h;
    this.place(slot, h);
    if (++this.count * 2 > this.table.length) this.resize(this.table.length * 2);
  }

  /** Removes `slot`'s entry (it must be indexed). */
  delete(slot: number): void {
    const { table, mask, hashes } = this;
    let hole = (hashes[slot] as number) & mask;
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask;
    table[hole] = 0;
    this.count--;
    // Shift back every later entry of the chain that may move into the hole (its home is not in (hole, j]).
    for (let j = (hole + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const entry = table[j] as number;
      const home = (hashes[entry - 1] as number) & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      table[hole] = entry;
      table[j] = 0;
      hole = j;
    }
  }

  private place(slot: number, h: number): void {
    const { table, mask } = this;
    let i = h & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = slot + 1;
  }

  private resize(length: number): void {
    const old = this.table;
    this.table = new Int32Array(length);
    this.mask = length - 1;
    for (const entry of old) if (entry !== 0) this.place(entry - 1, this.hashes[entry - 1] as number);
  }
}
