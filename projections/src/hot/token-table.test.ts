import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { TokenTable, type TokenFields } from './token-table.ts';

const fields = (n: number): TokenFields => ({
  expiresAt: 1_000 + n,
  issuedAt: n,
  kind: n % 2 ? 'ACCESS' : 'REFRESH',
  format: 'JWT',
  binding: n % 3 ? 'BEARER' : 'DPOP',
  bindingThumbprint: n % 3 ? null : `thumb-${n % 7}`,
  clientId: 'app',
  scope: n % 2 ? 'openid' : null,
  sessionId: `s${n % 5}`,
  agentId: null,
});

const NO_LINEAGE = { sessions: [], agents: [], grants: [], deviceId: null };

describe('the token table', () => {
  it('reads back what was written, reuses freed slots, grows, and survives a structured clone', () => {
    const table = new TokenTable();
    const origin = (u: string) =>
      table.originFor(u, NO_LINEAGE, () => ({
        userId: u,
        lineage: { sessions: [], agents: [], grants: [], deviceId: null },
        du: 0,
        dd: -1,
        ds0: -1,
        da0: -1,
        dg0: -1,
        rest: null,
      }));
    for (let n = 0; n < 3000; n++) table.set(`t${n}`, origin(`u${n % 4}`), fields(n));
    expect(table.size).toBe(3000);
    expect(table.get('t7')).toMatchObject({ ...fields(7), userId: 'u3' });
    for (let n = 0; n < 1000; n++) table.delete(`t${n}`);
    expect(table.has('t5')).toBe(false);
    table.set('fresh', origin('u9'), fields(42));
    expect(table.slot('fresh')).toBeLessThan(1000); // a freed slot
    const copy = serialize(table);
    // The id map is not in the clone (each id is held once, by its slot); revive rebuilds it.
    expect(copy.includes(Buffer.from('t2999'))).toBe(true);
    expect(copy.indexOf(Buffer.from('t2999'))).toBe(copy.lastIndexOf(Buffer.from('t2999')));
    const clone = TokenTable.revive(deserialize(copy));
    expect(clone.toMap()).toEqual(table.toMap());
    expect(clone.slot('t2999')).toBe(table.slot('t2999'));
    expect(clone.get('fresh')).toMatchObject({ ...fields(42), userId: 'u9' });
    clone.set('after', origin('u1'), fields(1));
    expect(clone.get('after')?.bindingThumbprint).toBeNull();
  });

  it("lists each origin's tokens (byOrigin) through sets, deletes, moves, growth and a structured clone", () => {
    const table = new TokenTable({ byOrigin: true });
    const origins = Array.from({ length: 100 }, (_, i) =>
      table.originFor(`u${i}`, NO_LINEAGE, () => ({ userId: `u${i}`, lineage: NO_LINEAGE })),
    );
    const expected = new Map<number, Set<string>>(origins.map((o) => [o, new Set()]));
    const put = (id: string, origin: number) => {
      for (const ids of expected.values()) ids.delete(id);
      expected.get(origin)?.add(id);
      table.set(id, origin, fields(1));
    };
    for (let n = 0; n < 5000; n++) put(`t${n}`, origins[n % 100] as number);
    for (let n = 0; n < 5000; n += 3) {
      table.delete(`t${n}`);
      expected.get(origins[n % 100] as number)?.delete(`t${n}`);
    }
    for (let n = 1; n < 5000; n += 7) put(`t${n}`, origins[(n * 13) % 100] as number); // moved to another origin
    for (let n = 5000; n < 6000; n++) put(`t${n}`, origins[n % 100] as number); // reuses freed slots
    const listed = (t: TokenTable) => {
      const bySlot = new Map([...t.keys()].map((id) => [t.slot(id), id]));
      return new Map(origins.map((o) => [o, new Set([...t.slotsOf(o)].map((slot) => bySlot.get(slot) as string))]));
    };
    expect(listed(table)).toEqual(expected);
    const clone = TokenTable.revive(deserialize(serialize(table)));
    expect(listed(clone)).toEqual(expected);
  });

  it("stores a session or agent id that is the origin's nearest one by reference: sessions share profiles", () => {
    const table = new TokenTable();
    const origin = (session: string, agent?: string) => {
      const lineage = { sessions: [session, 'parent'], agents: agent ? [agent] : [], grants: [], deviceId: null };
      return table.originFor('u', lineage, () => ({ userId: 'u', lineage }));
    };
    const minted = (sessionId: string, agentId: string | null = null) => ({ ...fields(1), sessionId, agentId });
    for (let s = 0; s < 100; s++) table.set(`t${s}`, origin(`s${s}`), minted(`s${s}`));
    for (let s = 0; s < 100; s++) table.set(`a${s}`, origin(`s${s}`, `ag${s}`), minted(`s${s}`, `ag${s}`));
    table.set('elsewhere', origin('s1'), minted('another')); // not the origin's session: interned as it is
    expect(table.profileCount).toBe(3);
    expect(table.get('t42')).toMatchObject({ sessionId: 's42', agentId: null });
    expect(table.get('a42')).toMatchObject({ sessionId: 's42', agentId: 'ag42' });
    expect(table.get('elsewhere')?.sessionId).toBe('another');
    const clone = TokenTable.revive(deserialize(serialize(table)));
    expect(clone.toMap()).toEqual(table.toMap());
    for (let s = 0; s < 100; s++) table.delete(`t${s}`);
    expect(table.get('a7')).toMatchObject({ sessionId: 's7', agentId: 'ag7' });
  });

  it('tells apart origins of one user and lineage by the parents they name, and frees each with its last token', () => {
    const table = new TokenTable<{ userId: string; lineage: typeof lineage; parents: string[] }>({ byOrigin: true });
    const lineage = { sessions: ['s1'], agents: ['a1'], grants: [], deviceId: null };
    const origin = (userId: string, parents: string[]) => table.originFor(userId, lineage, () => ({ userId, lineage, parents }), parents);
    const ofAgent = origin('u', ['agent:a1']);
    const ofSession = origin('u', ['session:s1']);
    const ofOther = origin('v', ['agent:a1']);
    expect(new Set([ofAgent, ofSession, ofOther]).size).toBe(3);
    expect(origin('u', ['agent:a1'])).toBe(ofAgent);
    table.set('t1', ofAgent, fields(1));
    table.set('t2', ofSession, fields(1));
    table.delete('t1');
    expect(table.takeReleased().map((r) => r.id)).toEqual([ofAgent]);
    // Freed: an equal origin is made afresh, and the other is still found.
    expect(origin('u', ['session:s1'])).toBe(ofSession);
    expect(table.originById(origin('u', ['agent:a1'])).parents).toEqual(['agent:a1']);
    // Past 16 under one lineage head, the rest are found by key string and still compared in full.
    const many = Array.from({ length: 40 }, (_, i) => origin(`w${i}`, ['agent:a1']));
    expect(Array.from({ length: 40 }, (_, i) => origin(`w${i}`, ['agent:a1']))).toEqual(many);
    expect(new Set(many).size).toBe(40);
  });
});
