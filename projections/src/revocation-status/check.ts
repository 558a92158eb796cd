import { findRevocation, type Lineage, type RevocationCause } from '@killswitch/domain';
import type { TenantRevocationIndex, TokenOrigin } from './state.ts';

/** Claims of a JWT as an enforcement point sees them (JWT NumericDates, in seconds). */
export interface CheckClaims {
  readonly sub?: string;
  readonly sid?: string;
  readonly jti?: string;
  readonly iat?: number;
  readonly exp?: number;
  /** The agent instance the token was issued to. */
  readonly agent_id?: string;
}

export type InactiveReason = 'revoked' | 'invalidated' | 'expired' | 'ended' | 'unknown' | 'lineage_mismatch';

export type CheckResult =
  | { readonly active: true }
  | {
      readonly active: false;
      readonly reason: InactiveReason;
      readonly cause?: RevocationCause;
      readonly terminationId?: string;
      readonly revokedAt?: number;
      readonly by?: string;
    };

const ACTIVE: CheckResult = Object.freeze({ active: true });
const inactive = (reason: InactiveReason): CheckResult => ({ active: false, reason });

function revokedResult(index: TenantRevocationIndex, subject: Parameters<typeof findRevocation>[1]): CheckResult {
  const found = findRevocation(index, subject);
  if (!found) return ACTIVE;
  return { active: false, reason: 'revoked', cause: found.cause, terminationId: found.terminationId, revokedAt: found.at, by: found.by };
}

/** A token the ledger saw minted (by `jti` or reference id). */
export function checkToken(index: TenantRevocationIndex | undefined, tokenId: string, now: number): CheckResult {
  const slot = index ? index.tokens.slot(tokenId) : -1;
  if (!index || slot < 0) {
    const revoked = index?.revokedTokens.get(tokenId);
    if (revoked)
      return {
        active: false,
        reason: 'revoked',
        cause: 'token_revoked',
        terminationId: revoked.terminationId,
        revokedAt: revoked.at,
        by: tokenId,
      };
    return inactive('unknown');
  }
  if (index.tokens.expiresAtOf(slot) <= now) return inactive('expired');
  // Fast path: typed-array lookups only. The detailed (string-keyed) walk runs only on a hit.
  const origin = index.tokens.originAt(slot);
  const issuedAt = index.tokens.issuedAtOf(slot);
  if (!maybeRevoked(index, origin, issuedAt, tokenId)) return ACTIVE;
  return revokedResult(index, { userId: origin.userId, issuedAt, lineage: origin.lineage, tokenId });
}

function maybeRevoked(index: TenantRevocationIndex, t: TokenOrigin, issuedAt: number, tokenId: string): boolean {
  if (index.userCutoffs.get(t.du) >= issuedAt) return true;
  if (t.dd >= 0 && index.deviceCutoffs.get(t.dd) >= issuedAt) return true;
  if (index.sessionFlags.has(t.ds0) || index.agentFlags.has(t.da0) || index.grantFlags.has(t.dg0)) return true;
  if (t.dsRest && t.dsRest.some((id) => index.sessionFlags.has(id))) return true;
  if (t.daRest && t.daRest.some((id) => index.agentFlags.has(id))) return true;
  if (t.dgRest && t.dgRest.some((id) => index.grantFlags.has(id))) return true;
  return index.revokedTokens.size > 0 && index.revokedTokens.has(tokenId);
}

/**
 * A JWT by its claims, including one the ledger never saw minted: `sub`+`iat` meet the user's
 * not-before, `sid` and `agent_id` meet revoked sessions and agents and their ancestors.
 */
export function checkClaims(index: TenantRevocationIndex | undefined, claims: CheckClaims, now: number): CheckResult {
  if (claims.exp !== undefined && claims.exp * 1000 <= now) return inactive('expired');
  if (!index) return ACTIVE; // nothing was ever revoked for this tenant
  const fast = claimsFastPath(index, claims);
  if (fast) return fast;
  const slot = claims.jti ? index.tokens.slot(claims.jti) : -1;
  if (claims.jti && slot >= 0) {
    if (claims.sub && index.tokens.originAt(slot).userId !== claims.sub) return inactive('lineage_mismatch');
    return checkToken(index, claims.jti, now);
  }
  const lineage: Lineage = { sessions: [], agents: [], grants: [], deviceId: null };
  let userId = claims.sub;
  if (claims.sid) {
    const session = index.sessions.get(claims.sid);
    if (session && userId && session.userId !== userId) return inactive('lineage_mismatch');
    userId ??= session?.userId;
    lineage.sessions.push(claims.sid, ...(session?.lineage.sessions ?? []));
    lineage.deviceId = session?.lineage.deviceId ?? null;
  }
  if (claims.agent_id) {
    const agent = index.agents.get(claims.agent_id);
    if (agent && userId && agent.userId !== userId) return inactive('lineage_mismatch');
    userId ??= agent?.userId;
    lineage.agents.push(claims.agent_id, ...(agent?.lineage.agents ?? []));
    lineage.sessions.push(...(agent?.lineage.sessions ?? []));
    lineage.grants.push(...(agent?.lineage.grants ?? []));
    lineage.deviceId ??= agent?.lineage.deviceId ?? null;
  }
  // Without `iat` the issue time is unknown: any not-before cut-off applies.
  const issuedAt = claims.iat !== undefined ? claims.iat * 1000 : 0;
  return revokedResult(index, { userId: userId ?? '', issuedAt, lineage, tokenId: claims.jti ?? null });
}

/**
 * The common case without a single string-keyed walk: the token's `sid` or `agent_id` names a
 * known node whose dense lineage has no revocation flag, and the user has no cut-off after `iat`.
 * Returns null whenever the detailed path must decide.
 */
function claimsFastPath(index: TenantRevocationIndex, claims: CheckClaims): CheckResult | null {
  if (claims.jti !== undefined && (index.tokens.has(claims.jti) || index.revokedTokens.has(claims.jti))) return null;
  const node =
    claims.agent_id !== undefined
      ? index.agents.get(claims.agent_id)
      : claims.sid !== undefined
        ? index.sessions.get(claims.sid)
        : undefined;
  if (!node?.hot || (claims.sid !== undefined && claims.agent_id !== undefined)) return null;
  if (claims.sub !== undefined && claims.sub !== node.userId) return null;
  const t = node.hot;
  const issuedAt = claims.iat !== undefined ? claims.iat * 1000 : 0;
  if (index.userCutoffs.get(t.du) >= issuedAt) return null;
  if (t.dd >= 0 && index.deviceCutoffs.get(t.dd) >= issuedAt) return null;
  if (index.sessionFlags.has(t.ds0) || index.agentFlags.has(t.da0) || index.grantFlags.has(t.dg0)) return null;
  if (t.dsRest || t.daRest || t.dgRest) return null;
  return ACTIVE;
}

/** An interactive session (e.g. the RP's session cookie): Session Invalidation applies here. */
export function checkSession(index: TenantRevocationIndex | undefined, sessionId: string, now: number): CheckResult {
  const session = index?.sessions.get(sessionId);
  if (!index || !session) return inactive('unknown');
  if (session.ended) return inactive('ended');
  if (session.expiresAt !== null && session.expiresAt <= now) return inactive('expired');
  const lineage: Lineage = { ...session.lineage, sessions: [sessionId, ...session.lineage.sessions] };
  const revoked = revokedResult(index, { userId: session.userId, issuedAt: session.startedAt, lineage });
  if (!revoked.active) return revoked;
  const invalidated = index.invalidatedSessions.get(sessionId);
  if (invalidated) {
    return {
      active: false,
      reason: 'invalidated',
      cause: 'session_invalidated',
      terminationId: invalidated.terminationId,
      revokedAt: invalidated.at,
      by: sessionId,
    };
  }
  return ACTIVE;
}
