import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import type { Lineage } from '@killswitch/domain';
import { LineageInterner } from './lineage-interner.ts';

const lineage = (sessions: string[], agents: string[] = [], grants: string[] = [], deviceId: string | null = null): Lineage => ({
  sessions,
  agents,
  grants,
  deviceId,
});

describe('the lineage interner', () => {
  it('gives one object per distinct lineage, found by content, and forgets it', () => {
    const interner = new LineageInterner();
    const first = interner.intern(lineage(['s1', 'p'], [], [], 'd1'));
    expect(interner.intern(lineage(['s1', 'p'], [], [], 'd1'))).toBe(first);
    // Filed under the same most specific id, told apart by the rest.
    const otherDevice = interner.intern(lineage(['s1', 'p'], [], [], 'd2'));
    const withGrant = interner.intern(lineage(['s1', 'p'], [], ['g1'], 'd1'));
    expect(otherDevice).not.toBe(first);
    expect(withGrant).not.toBe(first);
    expect(interner.intern(lineage(['s1', 'p'], [], [], 'd2'))).toBe(otherDevice);
    expect(interner.size).toBe(3);
    interner.forget(first);
    expect(interner.intern(lineage(['s1', 'p'], [], [], 'd2'))).toBe(otherDevice);
    const again = interner.intern(lineage(['s1', 'p'], [], [], 'd1'));
    expect(again).not.toBe(first);
    interner.forget(first); // no longer the interned one: nothing happens
    expect(interner.intern(lineage(['s1', 'p'], [], [], 'd1'))).toBe(again);
    const clone = LineageInterner.revive(deserialize(serialize({ interner, again })).interner);
    expect(clone.size).toBe(3);
  });

  it('keeps many lineages under one id (crafted input) unique and forgettable past the per-id list', () => {
    const interner = new LineageInterner();
    const shared = Array.from({ length: 50 }, (_, i) => interner.intern(lineage(['s'], ['agent'], [], `d${i}`)));
    expect(new Set(shared).size).toBe(50);
    for (let i = 0; i < 50; i++) expect(interner.intern(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    for (let i = 0; i < 10; i++) interner.forget(shared[i] as Lineage); // room in the list again
    for (let i = 10; i < 50; i++) expect(interner.intern(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    interner.forget(shared[49] as Lineage);
    expect(interner.size).toBe(39);
    expect(interner.intern(lineage(['s'], ['agent'], [], 'd49'))).not.toBe(shared[49]);
  });

  it('still finds what spilled over once the list under its id has shrunk to one entry, or to none', () => {
    const interner = new LineageInterner();
    const shared = Array.from({ length: 20 }, (_, i) => interner.intern(lineage(['s'], ['agent'], [], `d${i}`)));
    for (let i = 0; i < 15; i++) interner.forget(shared[i] as Lineage); // the list holds d15 alone
    for (let i = 16; i < 20; i++) expect(interner.intern(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    interner.forget(shared[15] as Lineage); // and now nothing
    for (let i = 16; i < 20; i++) expect(interner.intern(lineage(['s'], ['agent'], [], `d${i}`))).toBe(shared[i]);
    expect(interner.size).toBe(4);
  });

  it('uses the caller’s copy for a new lineage', () => {
    const interner = new LineageInterner();
    const given = lineage(['s']);
    const kept = interner.intern(given, (l) => Object.freeze({ ...l }));
    expect(kept).not.toBe(given);
    expect(interner.intern(lineage(['s']))).toBe(kept);
  });
});
