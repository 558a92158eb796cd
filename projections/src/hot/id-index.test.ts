import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { IdIndex } from './id-index.ts';

/** A deterministic pseudo-random source. */
function randomFrom(seed: number): (n: number) => number {
  return (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
}

describe('the id index', () => {
  it('agrees with a Map through 200,000 random adds and deletes, growth, wrap-around chains, arena compactions and a snapshot', () => {
    const index = new IdIndex();
    const expected = new Map<string, number>();
    const free: number[] = [];
    let slots = 0;
    const random = randomFrom(42);
    // Short ids, ids past U+00FF (two bytes a character), and ids long enough for a two-byte header.
    const idOf = (n: number) => (n % 7 === 0 ? `jti-é€-${n}` : n % 11 === 0 ? `ref-${'x'.repeat(70 + (n % 50))}-${n}` : `tok-${n}`);
    for (let step = 0; step < 200_000; step++) {
      const id = idOf(random(20_000));
      const slot = expected.get(id);
      if (slot === undefined) {
        const at = free.pop() ?? slots++;
        index.add(id, at);
        expected.set(id, at);
      } else if (random(3) > 0) {
        index.delete(slot);
        free.push(slot);
        expected.delete(id);
      }
      if (step % 9_973 === 0) {
        expect([...expected].filter(([known, at]) => index.get(known) !== at || index.idAt(at) !== known)).toEqual([]);
      }
    }
    expect(index.size).toBe(expected.size);
    const all = Array.from({ length: 20_000 }, (_, n) => idOf(n));
    expect(all.filter((id) => index.get(id) !== (expected.get(id) ?? -1))).toEqual([]);
    expect(free.every((slot) => !index.has(slot) && index.idAt(slot) === undefined)).toBe(true);
    expect([...index.ids()].sort()).toEqual([...expected.keys()].sort());
    expect(index.get('never')).toBe(-1);
    expect(index.get('tok-1\u0000')).toBe(-1);
    // Back from a structured clone (a hot snapshot): typed arrays only, each id's bytes as they were.
    const revived = IdIndex.revive(deserialize(serialize(index)));
    expect([...expected].filter(([known, at]) => revived.get(known) !== at || revived.idAt(at) !== known)).toEqual([]);
    expect(revived.get('never')).toBe(-1);
    revived.add('after-revive', slots);
    expect(revived.get('after-revive')).toBe(slots);
  });

  it('tells apart ids that differ only past the first byte of a character, or in length, packed or kept as strings', () => {
    const index = new IdIndex();
    const ids = [
      'a',
      'ab',
      'a\u0100',
      'a\u0001',
      '\u00ff',
      '\u01ff',
      '',
      'y'.repeat(255),
      'y'.repeat(256),
      'x'.repeat(10_000),
      'x'.repeat(10_001),
    ];
    ids.forEach((id, slot) => index.add(id, slot));
    expect(ids.map((id) => index.get(id))).toEqual(ids.map((_, slot) => slot));
    expect(ids.map((_, slot) => index.idAt(slot))).toEqual(ids);
    // Among many more, then some deleted and the rest moved to a new arena.
    for (let n = 0; n < 20_000; n++) index.add(`fill-${n}`, ids.length + n);
    ids.forEach((id, slot) => slot % 2 === 0 && index.delete(slot));
    for (let n = 0; n < 15_000; n++) index.delete(ids.length + n);
    for (let n = 20_000; n < 40_000; n++) index.add(`fill-${n}`, ids.length + n);
    expect(ids.map((id) => index.get(id))).toEqual(ids.map((_, slot) => (slot % 2 === 0 ? -1 : slot)));
    expect(ids.map((_, slot) => index.idAt(slot))).toEqual(ids.map((id, slot) => (slot % 2 === 0 ? undefined : id)));
    expect(index.get('fill-14999')).toBe(-1);
    expect(index.get('fill-39999')).toBe(ids.length + 39_999);
    expect(index.idAt(ids.length + 15_000)).toBe('fill-15000');
    expect(index.size).toBe(Math.floor(ids.length / 2) + 25_000);
  });

  it('gives back the words of deleted ids: an index that churns through 1,000,000 ids holds an arena near the size of the 1,000 live ones', () => {
    const index = new IdIndex();
    for (let n = 0; n < 1_000_000; n++) {
      const slot = n % 1_000;
      if (n >= 1_000) index.delete(slot);
      index.add(`token-${n}`, slot);
    }
    expect(index.size).toBe(1_000);
    expect(index.get('token-999999')).toBe(999);
    expect(index.get('token-998999')).toBe(-1);
    // 1,000 live ids of 12 characters: 4 words each, and up to as many again of deleted ones' before the arena is repacked.
    expect(index.arenaWords).toBeLessThan(4_000 * 2 * 1.5);
    expect([...index.ids()].length).toBe(1_000);
  });
});
