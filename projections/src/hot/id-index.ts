import { randomBytes } from 'node:crypto';
import { grown } from './interned-ids.ts';

/** A 32-bit hash of a string (FNV-1a from a random basis, `seed`, then MurmurHash3's finalizer). */
function hashId(id: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Ids up to this many characters, none past U+00FF, are packed; others are kept as their own strings. */
const LONGEST_PACKED = 255;
/** Where a slot's id is: nowhere (a free slot); kept as its own string in `long`. */
const NONE = -1;
const LONG = -2;

/** The id being looked up or added, packed as an id is stored (by `pack`). */
const query = new Int32Array(Math.ceil((LONGEST_PACKED + 1) / 4));
/** Character codes of an id being read back. */
const codes: number[] = [];

/**
 * Slots by id, holding each slot's id itself: open addressing with linear probing in one
 * `Int32Array` (slot + 1; 0 is empty) at most half full, each slot's hash and where its id is
 * (side by side: one read), and the ids packed in one arena of 32-bit words. An id is stored as
 * its length, then its characters, one byte each, four to a word: about 16 bytes per entry of
 * index and the id's length plus 4 of arena, where a `Map` and an id string per entry take 60 to
 * 80. A million live ids are no million objects for the collector, and a hot snapshot carries
 * them as typed arrays.
 *
 * A lookup hashes the id; only once a slot's hash matches does it pack the id the same way and
 * compare word by word (three words for a 10-character id, its length in the first). Comparing one
 * character at a time, or packing while hashing, cost ~250 ns more per lookup in a tight loop here:
 * the work waiting on the table's and arena's memory held back the next reads. Ids longer than 255 characters or
 * with characters past U+00FF (the API takes ids up to 256 characters; such ids are rare) are kept
 * as their own strings. A deleted id's words are reclaimed when the arena next fills up, by copying
 * the live ids into a new one. Deletion in the table shifts the chain back (no tombstones). Each
 * index draws its own hash seed, so which ids share a probe chain cannot be worked out from outside.
 */
export class IdIndex {
  private readonly seed = randomBytes(4).readInt32LE(0);
  private table = new Int32Array(2048);
  private mask = 2047;
  /**
   * Two words per slot, read together: its id's hash, and where its id is (its offset in `words`,
   * or `NONE`, or `LONG`).
   */
  private slots = new Int32Array(2048).fill(NONE);
  private words = new Int32Array(1024);
  /** Where the next id goes; `garbage` of the words before it are deleted ids'. */
  private end = 0;
  private garbage = 0;
  private readonly long = new Map<number, string>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Words of arena held, deleted ids' not yet reclaimed included (structural checks). */
  get arenaWords(): number {
    return this.words.length;
  }

  /** An index back from a hot snapshot's structured clone. */
  static revive(data: unknown): IdIndex {
    return Object.assign(new IdIndex(), data);
  }

  /** The slot holding `id`, or -1. */
  get(id: string): number {
    const h = hashId(id, this.seed);
    const { table, mask, slots } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = table[i] as number;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (slots[2 * slot] === h && this.holdsId(slot, id)) return slot;
    }
  }

  /** Whether `slot` holds an id. */
  has(slot: number): boolean {
    return this.whereIs(slot) !== NONE;
  }

  /** The id `slot` holds (undefined: none). */
  idAt(slot: number): string | undefined {
    const start = this.whereIs(slot);
    if (start < 0) return start === LONG ? this.long.get(slot) : undefined;
    const words = this.words;
    const length = (words[start] as number) & 0xff;
    codes.length = length;
    for (let i = 0; i < length; i++) codes[i] = ((words[start + ((i + 1) >> 2)] as number) >>> (((i + 1) & 3) * 8)) & 0xff;
    return String.fromCharCode.apply(null, codes);
  }

  /** The ids held, by slot. */
  *ids(): IterableIterator<string> {
    for (let slot = 0; 2 * slot < this.slots.length; slot++) if (this.whereIs(slot) !== NONE) yield this.idAt(slot) as string;
  }

  /** Where `slot`'s id is: its offset in `words`, or `LONG`, or `NONE` (also for a slot past the arrays). */
  private whereIs(slot: number): number {
    return 2 * slot < this.slots.length ? (this.slots[2 * slot + 1] as number) : NONE;
  }

  /** Indexes `slot` under `id` (the slot holds no id yet). */
  add(id: string, slot: number): void {
    if (2 * slot >= this.slots.length) {
      let length = this.slots.length * 2;
      while (2 * slot >= length) length *= 2;
      this.slots = grown(this.slots, length, NONE);
    }
    const h = hashId(id, this.seed);
    const packed = pack(id);
    this.slots[2 * slot] = h;
    this.place(slot, h);
    if (++this.count * 2 > this.table.length) this.resize(this.table.length * 2);
    if (packed === 0) {
      this.long.set(slot, id);
      this.slots[2 * slot + 1] = LONG;
      return;
    }
    if (this.end + packed > this.words.length) this.makeRoom(packed);
    const { words, end } = this;
    for (let k = 0; k < packed; k++) words[end + k] = query[k] as number;
    this.slots[2 * slot + 1] = end;
    this.end = end + packed;
  }

  /** Removes `slot`'s entry (it must be indexed). */
  delete(slot: number): void {
    const { table, mask, slots } = this;
    let hole = (slots[2 * slot] as number) & mask;
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask;
    table[hole] = 0;
    this.count--;
    const start = slots[2 * slot + 1] as number;
    if (start === LONG) this.long.delete(slot);
    else this.garbage += wordsOf((this.words[start] as number) & 0xff);
    slots[2 * slot + 1] = NONE;
    // Shift back every later entry of the chain that may move into the hole (its home is not in (hole, j]).
    for (let j = (hole + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const entry = table[j] as number;
      const home = (slots[2 * (entry - 1)] as number) & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      table[hole] = entry;
      table[j] = 0;
      hole = j;
    }
  }

  /**
   * Whether `slot` holds `id`: packed as it is stored, then compared word by word (the first holds
   * the length). Packed only here, once its hash has matched: the lookup's memory reads go first.
   */
  private holdsId(slot: number, id: string): boolean {
    const start = this.slots[2 * slot + 1] as number;
    if (start < 0) return start === LONG && this.long.get(slot) === id;
    const length = pack(id);
    const words = this.words;
    for (let k = 0; k < length; k++) if (words[start + k] !== query[k]) return false;
    return length > 0;
  }

  /**
   * A new arena holding the live ids, with room for `need` more words and a quarter as many again
   * as it holds: copying every live id once per that much appended keeps adds amortized O(1) (a
   * few milliseconds per 250,000 ids appended at a million live), and the arena follows the live
   * set down as well as up.
   */
  private makeRoom(need: number): void {
    const old = this.words;
    const words = new Int32Array(Math.max(1024, Math.ceil((this.end - this.garbage + need) * 1.25)));
    const { slots } = this;
    let at = 0;
    for (let field = 1; field < slots.length; field += 2) {
      const start = slots[field] as number;
      if (start < 0) continue;
      const length = wordsOf((old[start] as number) & 0xff);
      slots[field] = at;
      for (let k = 0; k < length; k++) words[at + k] = old[start + k] as number;
      at += length;
    }
    this.words = words;
    this.end = at;
    this.garbage = 0;
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
    for (const entry of old) if (entry !== 0) this.place(entry - 1, this.slots[2 * (entry - 1)] as number);
  }
}

/** Packs `id` into `query` as it is stored; returns how many words, 0 if it is kept as a string instead. */
function pack(id: string): number {
  const length = id.length;
  if (length > LONGEST_PACKED) return 0;
  let word = length;
  let w = 0;
  for (let i = 0; i < length; i++) {
    const code = id.charCodeAt(i);
    if (code > 0xff) return 0;
    const shift = ((i + 1) & 3) * 8;
    if (shift === 0) {
      query[w++] = word;
      word = code;
    } else word |= code << shift;
  }
  query[w++] = word;
  return w;
}

/** Words an id of `length` packed characters takes, its length included. */
const wordsOf = (length: number): number => (length + 4) >> 2;
