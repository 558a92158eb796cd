import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import type { Lineage } from '@killswitch/domain';
import { reviveInstance } from '../projection.ts';
import { keptIds, keptLineage, LineageIndex, sameLineage, type LineageMatcher } from './lineage-index.ts';

const lineage = (sessions: string[], agents: string[] = [], grants: string[] = [], deviceId: string | null = null): Lineage => ({
  sessions,
  agents,
  grants,
  deviceId,
});

/** Entries are the lineages themselves, told apart by content and tag (as origins are by their user). */
const SAME: LineageMatcher<{ lineage: Lineage; tag: string }> = {
  isEntryFor: (entry, given, tag) => entry.tag === tag && sameLineage(entry.lineage, given),
};

/** One entry per distinct lineage and tag, as the token tables keep their origins. */
function entries(index = new LineageIndex<{ lineage: Lineage; tag: string }>()) {
  return {
    index,
    of(given: Lineage, tag = '') {
      const found = index.find(given, tag, SAME);
      if (found) return found;
      const made = { lineage: keptLineage(given), tag };
      index.add(made.lineage, tag, made);
      return made;
    },
    drop(entry: { lineage: Lineage; tag: string }) {
      index.remove(entry.lineage, entry.tag, entry);
    },
  };
}

describe('the lineage index', () => {
  it('finds one entry per distinct lineage and tag by content, and unfiles it', () => {
    const filed = entries();
    const first = filed.of(lineage(['s1', 'p'], [], [], 'd1'));
    expect(filed.of(lineage(['s1', 'p'], [], [], 'd1'))).toBe(first);
    // Filed under the same most specific id, told apart by the rest.
    const otherDevice = filed.of(lineage(['s1', 'p'], [], [], 'd2'));
    const withGrant = filed.of(lineage(['s1', 'p'], [], ['g1'], 'd1'));
    const otherTag = filed.of(lineage(['s1', 'p'], [], [], 'd1'), 'u2');
    expect(new Set([first, otherDevice, withGrant, otherTag]).size).toBe(4);
    expect(filed.of(lineage(['s1', 'p'], [], [], 'd2'))).toBe(otherDevice);
    expect(filed.index.size).toBe(4);
    filed.drop(first);
    expect(filed.of(lineage(['s1', 'p'], [], [], 'd2'))).toBe(otherDevice);
    const again = filed.of(lineage(['s1', 'p'], [], [], 'd1'));
    expect(again).not.toBe(first);
    filed.drop(first); // no longer filed: nothing happens
    expect(filed.of(lineage(['s1', 'p'], [], [], 'd1'))).toBe(again);
    const clone = reviveInstance(LineageIndex, deserialize(serialize(filed.index))) as LineageIndex<{ lineage: Lineage; tag: string }>;
    expect(clone.size).toBe(4);
    expect(clone.find(lineage(['s1', 'p'], [], ['g1'], 'd1'), '', SAME)?.lineage).toEqual(withGrant.lineage);
  });

  it('keeps many lineages under one id (crafted input) apart and removable past the per-id list', () => {
    const filed = entries();
    const shared = Array.from({ length: 50 }, (_, i) => filed.of(lineage(['s'], ['agent'], [], `d${i}`)));
    expect(new Set(shared).size).toBe(50);
    for (let i = 0; i < 50; i++) expect(filed.of(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    for (let i = 0; i < 10; i++) filed.drop(shared[i]!); // room in the list again
    for (let i = 10; i < 50; i++) expect(filed.of(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    filed.drop(shared[49]!);
    expect(filed.index.size).toBe(39);
    expect(filed.of(lineage(['s'], ['agent'], [], 'd49'))).not.toBe(shared[49]);
  });

  it('still finds what spilled over once the list under its id has shrunk to one entry, or to none', () => {
    const filed = entries();
    const shared = Array.from({ length: 20 }, (_, i) => filed.of(lineage(['s'], ['agent'], [], `d${i}`)));
    for (let i = 0; i < 15; i++) filed.drop(shared[i]!); // the list holds d15 alone
    for (let i = 16; i < 20; i++) expect(filed.of(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    filed.drop(shared[15]!); // and now nothing
    for (let i = 16; i < 20; i++) expect(filed.of(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    expect(filed.index.size).toBe(4);
  });
});

describe('a kept lineage', () => {
  it('is a frozen copy with lists of its own, empty ones shared', () => {
    const given = lineage(['s1', 's0'], [], [], 'd1');
    const kept = keptLineage(given);
    expect(kept).toEqual(given);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(kept.sessions).not.toBe(given.sessions);
    expect(kept.agents).toBe(keptLineage(lineage(['x'])).grants);
    expect(keptLineage(given, 'shared-d1').deviceId).toBe('shared-d1');
    expect(() => (keptIds([]) as string[]).push('x')).toThrow();
  });
});
