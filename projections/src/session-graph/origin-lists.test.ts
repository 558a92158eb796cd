import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { OriginLists } from './tenant-graph.ts';

describe('origin lists', () => {
  it('keep one origin as a number and more as a set, in the order they were added, through deletes and a snapshot', () => {
    const lists = new OriginLists();
    lists.add('session:a', 7);
    lists.add('session:a', 7); // again: still one
    expect([...lists.of('session:a')]).toEqual([7]);
    lists.add('session:a', 3);
    lists.add('session:a', 9);
    expect([...lists.of('session:a')]).toEqual([7, 3, 9]);
    lists.delete('session:a', 7);
    lists.delete('session:a', 9);
    expect([...lists.of('session:a')]).toEqual([3]);
    lists.add('session:a', 1);
    expect([...lists.of('session:a')]).toEqual([3, 1]);
    lists.delete('session:a', 42); // not listed: nothing changes
    expect([...lists.of('session:a')]).toEqual([3, 1]);
    const revived = OriginLists.revive(deserialize(serialize(lists)));
    expect([...revived.of('session:a')]).toEqual([3, 1]);
    lists.delete('session:a', 3);
    lists.delete('session:a', 1);
    expect(lists.has('session:a')).toBe(false);
    expect([...lists.of('session:a')]).toEqual([]);
    lists.delete('session:a', 1);
    expect(lists.has('session:a')).toBe(false);
  });
});
