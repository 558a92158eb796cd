import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent, EventData } from '@killswitch/schemas';
import { checkClaims, checkToken } from './check.ts';
import { EXPIRY_GRACE_MS, revocationStatus } from './projection.ts';

const MIN = 60_000;
let position = 0;
const at = (event: DomainEvent, recordedAt: number, tenant = 'acme') =>
  ({ event, recordedAt, position: ++position, metadata: { tenant } }) as unknown as RecordedEvent;
const minted = (tokenId: string, expiresAt: number, userId = 'alice'): DomainEvent => ({
  type: 'TokenMinted',
  data: {
    tokenId,
    userId,
    kind: 'ACCESS',
    format: 'JWT',
    binding: 'BEARER',
    bindingThumbprint: null,
    sessionId: null,
    grantId: null,
    agentId: null,
    clientId: null,
    scope: null,
    issuedAt: 0,
    expiresAt,
    lineage: { sessions: [], agents: [], grants: [], deviceId: null },
  } satisfies EventData<'TokenMinted'>,
});
const revokedToken = (tokenId: string, expiresAt: number): DomainEvent => ({
  type: 'SubjectRevoked',
  data: {
    terminationId: 'T',
    userId: 'alice',
    subject: { type: 'TOKEN', id: tokenId },
    effect: 'REVOKED',
    notBefore: null,
    previousNotBefore: null,
    expiresAt,
    at: 1,
  },
});

describe('revocation-status index', () => {
  it('drops tokens and their revocations once they would have expired anyway', () => {
    const state = revocationStatus.initialState();
    revocationStatus.evolve(state, at(minted('short', 10 * MIN), 0));
    revocationStatus.evolve(state, at(minted('long', 120 * MIN), 0));
    revocationStatus.evolve(state, at(revokedToken('short', 10 * MIN), 1));
    const index = state.tenants.get('acme');
    expect(index?.tokens.size).toBe(2);
    // Time moves with the events' recorded time, never with a clock: rebuilds drop the same entries.
    revocationStatus.evolve(state, at(minted('later', 200 * MIN), 10 * MIN + EXPIRY_GRACE_MS + 2 * MIN));
    expect([...(index?.tokens.keys() ?? [])].sort()).toEqual(['later', 'long']);
    expect(index?.revokedTokens.size).toBe(0);
    expect(checkToken(index, 'short', 11 * MIN)).toEqual({ active: false, reason: 'unknown' });
  });

  it('keeps tenants apart: the same ids in two tenants never meet', () => {
    const state = revocationStatus.initialState();
    revocationStatus.evolve(state, at(minted('t1', 60 * MIN), 0, 'acme'));
    revocationStatus.evolve(state, at(minted('t1', 60 * MIN), 0, 'other'));
    const cutoff: DomainEvent = {
      type: 'SubjectRevoked',
      data: {
        terminationId: 'T',
        userId: 'alice',
        subject: { type: 'USER', id: 'alice' },
        effect: 'NOT_BEFORE',
        notBefore: 5,
        previousNotBefore: null,
        expiresAt: null,
        at: 5,
      },
    };
    revocationStatus.evolve(state, at(cutoff, 5, 'other'));
    expect(checkToken(state.tenants.get('acme'), 't1', 1).active).toBe(true);
    expect(checkToken(state.tenants.get('other'), 't1', 1).active).toBe(false);
    expect(checkClaims(state.tenants.get('acme'), { sub: 'alice', iat: 0 }, 1).active).toBe(true);
    expect(checkClaims(state.tenants.get('other'), { sub: 'alice', iat: 0 }, 1).active).toBe(false);
  });

  it('a claim check refuses a token whose sid belongs to another user', () => {
    const state = revocationStatus.initialState();
    revocationStatus.evolve(
      state,
      at(
        {
          type: 'SessionStarted',
          data: {
            sessionId: 's1',
            userId: 'alice',
            parentSessionId: null,
            deviceId: null,
            idpIssuer: null,
            idpSid: null,
            clientId: null,
            ip: null,
            userAgent: null,
            acr: null,
            amr: [],
            authTime: 0,
            startedAt: 0,
            expiresAt: null,
            ancestors: [],
          },
        },
        0,
      ),
    );
    expect(checkClaims(state.tenants.get('acme'), { sub: 'mallory', sid: 's1', iat: 1 }, 2)).toEqual({
      active: false,
      reason: 'lineage_mismatch',
    });
  });
});
