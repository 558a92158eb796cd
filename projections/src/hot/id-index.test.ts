import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { IdIndex } from './id-index.ts';

describe('the id index', () => {
  it('agrees with a Map through 200,000 random adds and deletes, growth, wrap-around chains and a rebuild', () => {
    const ids: Array<string | undefined> = [];
    const index = new IdIndex(ids);
    const expected = new Map<string, number>();
    const free: number[] = [];
    let seed = 42;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let step = 0; step < 200_000; step++) {
      const id = `tok-${random(20_000)}`;
      const slot = expected.get(id);
      if (slot === undefined) {
        const at = free.pop() ?? ids.length;
        ids[at] = id;
        index.add(id, at);
        expected.set(id, at);
      } else if (random(3) > 0) {
        index.delete(slot);
        ids[slot] = undefined;
        free.push(slot);
        expected.delete(id);
      }
      if (step % 9_973 === 0) {
        const wrong = [...expected].filter(([known, at]) => index.get(known) !== at);
        expect(wrong).toEqual([]);
      }
    }
    expect(index.size).toBe(expected.size);
    const all = Array.from({ length: 20_000 }, (_, n) => `tok-${n}`);
    expect(all.filter((id) => index.get(id) !== (expected.get(id) ?? -1))).toEqual([]);
    expect(index.get('never')).toBe(-1);
    const rebuilt = new IdIndex(ids);
    expect(rebuilt.size).toBe(expected.size);
    expect([...expected].filter(([known, at]) => rebuilt.get(known) !== at)).toEqual([]);
    // Back from a structured clone (a hot snapshot), with its own seed and tables.
    const revived = IdIndex.revive(deserialize(serialize(index)), ids);
    expect([...expected].filter(([known, at]) => revived.get(known) !== at)).toEqual([]);
    expect(revived.get('never')).toBe(-1);
  });
});
