import { decodeJwt } from 'jose';
import { dpopThumbprint, type TokenFactory } from './token-factory.ts';

/** A fact as the ingest API takes it (kept loose here; the API validates it). */
export type FactJson = Record<string, unknown> & { type: string };

export interface FixtureToken {
  readonly name: string;
  readonly jwt: string | null;
  readonly id: string;
  readonly userId: string;
}

export interface FixtureGraph {
  readonly facts: FactJson[];
  readonly tokens: FixtureToken[];
  readonly sessions: Record<string, string>;
  /** A stateless JWT the ledger never saw minted (only its claims reach a check). */
  readonly unseenJwt: string;
}

const HOUR = 3600;

/**
 * The graph every scope scenario runs against: two users; alice on a laptop (a session with a
 * derived session, an online grant, a bearer and a DPoP-bound JWT, an agent with its own grant
 * and a sub-agent, a second agent) and on a phone (an offline grant); bob on his own laptop.
 */
export async function buildFixtureGraph(factory: TokenFactory, nowSeconds: number): Promise<FixtureGraph> {
  const iat = nowSeconds - 60;
  const exp = nowSeconds + HOUR;
  const jkt = await dpopThumbprint();
  const facts: FactJson[] = [];
  const tokens: FixtureToken[] = [];
  const jwt = async (name: string, claims: Record<string, unknown> & { sub: string }, fact: Record<string, unknown>) => {
    const signed = await factory.sign({ iat, exp, client_id: 'web', ...claims });
    const decoded = decodeJwt(signed);
    facts.push({ type: 'token.minted', kind: 'access', format: 'jwt', claims: decoded, ...fact });
    tokens.push({ name, jwt: signed, id: decoded.jti as string, userId: claims.sub });
  };
  const reference = (name: string, userId: string, fact: Record<string, unknown>) => {
    const id = `ref-${name}`;
    facts.push({
      type: 'token.minted',
      kind: 'refresh',
      format: 'reference',
      tokenId: id,
      expiresAt: (nowSeconds + 30 * 24 * HOUR) * 1000,
      ...fact,
    });
    tokens.push({ name, jwt: null, id, userId });
  };
  const ms = (s: number) => s * 1000;

  facts.push(
    {
      type: 'session.started',
      sessionId: 'S1',
      userId: 'alice',
      deviceId: 'laptop',
      ip: '192.0.2.10',
      userAgent: 'Firefox',
      startedAt: ms(iat),
    },
    { type: 'session.started', sessionId: 'S1d', userId: 'alice', parentSessionId: 'S1', startedAt: ms(iat) },
    {
      type: 'session.started',
      sessionId: 'S2',
      userId: 'alice',
      deviceId: 'phone',
      ip: '198.51.100.7',
      userAgent: 'iOS',
      startedAt: ms(iat),
    },
    { type: 'session.started', sessionId: 'SB', userId: 'bob', deviceId: 'bob-laptop', startedAt: ms(iat) },
    { type: 'grant.issued', grantId: 'G1', sessionId: 'S1', clientId: 'web', issuedAt: ms(iat) },
    { type: 'grant.issued', grantId: 'G2', sessionId: 'S2', clientId: 'mobile', offlineAccess: true, issuedAt: ms(iat) },
    { type: 'agent.spawned', agentId: 'AG1', sessionId: 'S1', spawnedAt: ms(iat) },
    { type: 'grant.issued', grantId: 'GA1', agentId: 'AG1', clientId: 'agent-runtime', issuedAt: ms(iat) },
    { type: 'agent.spawned', agentId: 'AG1a', parentAgentId: 'AG1', spawnedAt: ms(iat) },
    { type: 'agent.spawned', agentId: 'AG2', sessionId: 'S1', spawnedAt: ms(iat) },
  );
  reference('R1', 'alice', { grantId: 'G1', sessionId: 'S1', issuedAt: ms(iat) });
  await jwt('A1', { sub: 'alice', sid: 'S1' }, { grantId: 'G1' });
  await jwt('A1d', { sub: 'alice', sid: 'S1d', cnf: { jkt } }, {});
  await jwt('AT1', { sub: 'alice', agent_id: 'AG1' }, { kind: 'agent', grantId: 'GA1' });
  await jwt('AT1a', { sub: 'alice', agent_id: 'AG1a', cnf: { jkt } }, { kind: 'agent' });
  await jwt('AT2', { sub: 'alice', agent_id: 'AG2' }, { kind: 'agent' });
  reference('R2', 'alice', { grantId: 'G2', issuedAt: ms(iat) });
  await jwt('A2', { sub: 'alice', sid: 'S2' }, { grantId: 'G2' });
  await jwt('AB', { sub: 'bob', sid: 'SB' }, {});
  const unseenJwt = await factory.sign({ sub: 'alice', iat, exp });
  return { facts, tokens, sessions: { S1: 'S1', S1d: 'S1d', S2: 'S2', SB: 'SB' }, unseenJwt };
}
