import { describe, expect, it } from 'vitest';
import type { Revocation } from './graph.ts';
import { findRevocation, type RevocationLookups } from './revocation-check.ts';

function lookups(entries: Partial<Record<keyof RevocationLookups, Record<string, Revocation>>>): RevocationLookups {
  const get = (kind: keyof RevocationLookups) => (id: string) => entries[kind]?.[id];
  return {
    userNotBefore: get('userNotBefore'),
    deviceNotBefore: get('deviceNotBefore'),
    revokedSession: get('revokedSession'),
    revokedAgent: get('revokedAgent'),
    revokedGrant: get('revokedGrant'),
    revokedToken: get('revokedToken'),
  };
}
const lineage = { sessions: ['child', 'parent'], agents: ['sub', 'agent'], grants: ['g'], deviceId: 'd' };
const subject = { userId: 'u', issuedAt: 1000, lineage, tokenId: 't' };

describe('findRevocation', () => {
  it('finds nothing on a clean lineage', () => {
    expect(findRevocation(lookups({}), subject)).toBeNull();
  });

  it('a user not-before revokes what was issued at or before it, not after', () => {
    expect(findRevocation(lookups({ userNotBefore: { u: { terminationId: 'T', at: 1000 } } }), subject)).toMatchObject({
      cause: 'user_revoked',
      terminationId: 'T',
    });
    expect(findRevocation(lookups({ userNotBefore: { u: { terminationId: 'T', at: 999 } } }), subject)).toBeNull();
  });

  it('an ancestor session, agent or grant anywhere on the lineage revokes it', () => {
    const at = { terminationId: 'T', at: 5 };
    expect(findRevocation(lookups({ revokedSession: { parent: at } }), subject)).toMatchObject({ cause: 'session_revoked', by: 'parent' });
    expect(findRevocation(lookups({ revokedAgent: { agent: at } }), subject)).toMatchObject({ cause: 'agent_revoked', by: 'agent' });
    expect(findRevocation(lookups({ revokedGrant: { g: at } }), subject)).toMatchObject({ cause: 'grant_revoked' });
    expect(findRevocation(lookups({ revokedToken: { t: at } }), subject)).toMatchObject({ cause: 'token_revoked' });
    expect(findRevocation(lookups({ deviceNotBefore: { d: { terminationId: 'T', at: 2000 } } }), subject)).toMatchObject({
      cause: 'device_revoked',
    });
  });
});
