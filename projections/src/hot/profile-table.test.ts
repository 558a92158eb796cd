import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { reviveInstance } from '../projection.ts';
import { ProfileTable } from './profile-table.ts';

const row = (...ids: number[]) => Int32Array.from(ids);

describe('the profile table', () => {
  it('finds rows by content through growth, frees and reuses them, and survives a structured clone', () => {
    const table = new ProfileTable(3);
    const rows = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const ids = row(i % 7, i, -1);
      expect(table.find(ids)).toBe(-1);
      const r = table.add(ids);
      table.retain(r);
      rows.set(String([...ids]), r);
    }
    expect(table.size).toBe(5000);
    for (let i = 0; i < 5000; i += 2) expect(table.release(rows.get(String([i % 7, i, -1])) as number)).toBe(true);
    expect(table.size).toBe(2500);
    for (let i = 0; i < 5000; i++) expect(table.find(row(i % 7, i, -1)) >= 0).toBe(i % 2 === 1);
    const again = table.add(row(1, 2, 3));
    expect(again).toBeLessThan(5000); // a freed row
    table.retain(again);
    table.retain(again);
    expect(table.release(again)).toBe(false);
    const clone = reviveInstance(ProfileTable, deserialize(serialize(table)));
    expect(clone.find(row(1, 2, 3))).toBe(again);
    expect(clone.find(row(4999 % 7, 4999, -1))).toBe(rows.get(String([4999 % 7, 4999, -1])));
    expect(clone.value(again, 2)).toBe(3);
  });
});
