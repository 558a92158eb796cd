import { findRevocation, type Lineage, type Revocation, type RevocationCause } from '@killswitch/domain';
import type { FlagArray } from './dense.ts';
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

/**
 * The refusal for what a revocation covers: one frozen answer per revocation and node, shared by
 * every check it refuses (a replayed or stolen token is checked again and again).
 */
const revokedAnswers = new WeakMap<Revocation, CheckResult>();

function revokedBy(revocation: Revocation, cause: RevocationCause, by: string): CheckResult {
  const cached = revokedAnswers.get(revocation);
  if (cached && !cached.active && cached.cause === cause && cached.by === by) return cached;
  const answer: CheckResult = Object.freeze({
    active: false,
    reason: 'revoked',
    cause,
    terminationId: revocation.terminationId,
    revokedAt: revocation.at,
    by,
  });
  revokedAnswers.set(revocation, answer);
  return answer;
}

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
    return revoked ? revokedBy(revoked, 'token_revoked', tokenId) : inactive('unknown');
  }
  return checkSlot(index, slot, tokenId, now);
}

/** A live token's answer from its slot in the token table. */
function checkSlot(index: TenantRevocationIndex, slot: number, tokenId: string, now: number): CheckResult {
  if (index.tokens.expiresAtOf(slot) <= now) return inactive('expired');
  const origin = index.tokens.originAt(slot);
  const issuedAt = index.tokens.issuedAtOf(slot);
  // Typed-array reads only for a live token; the walk that names the revocation runs on a hit.
  if (!maybeRevoked(index, origin, issuedAt, tokenId)) return ACTIVE;
  return tokenRevocation(index, origin, issuedAt, tokenId);
}

function maybeRevoked(index: TenantRevocationIndex, t: TokenOrigin, issuedAt: number, tokenId: string): boolean {
  if (index.userCutoffs.get(t.du) >= issuedAt) return true;
  if (t.dd >= 0 && index.deviceCutoffs.get(t.dd) >= issuedAt) return true;
  if (index.sessionFlags.has(t.ds0) || index.agentFlags.has(t.da0) || index.grantFlags.has(t.dg0)) return true;
  const { rest } = t;
  if (rest) {
    if (rest.sessions.some((id) => index.sessionFlags.has(id))) return true;
    if (rest.agents.some((id) => index.agentFlags.has(id))) return true;
    if (rest.grants.some((id) => index.grantFlags.has(id))) return true;
  }
  return index.revokedTokens.size > 0 && index.revokedTokens.has(tokenId);
}

/**
 * What revokes a live token, in `findRevocation`'s order, led by its dense lineage: typed-array
 * reads only, and a string-keyed lookup only where a flag or cut-off is set.
 */
function tokenRevocation(index: TenantRevocationIndex, t: TokenOrigin, issuedAt: number, tokenId: string): CheckResult {
  if (index.revokedTokens.size > 0) {
    const token = index.revokedTokens.get(tokenId);
    if (token) return revokedBy(token, 'token_revoked', tokenId);
  }
  if (index.userCutoffs.get(t.du) >= issuedAt) {
    const user = index.userNotBefores.get(t.userId);
    if (user && user.at >= issuedAt) return revokedBy(user, 'user_revoked', t.userId);
  }
  const { lineage } = t;
  if (t.dd >= 0 && lineage.deviceId !== null && index.deviceCutoffs.get(t.dd) >= issuedAt) {
    const device = index.deviceNotBefores.get(lineage.deviceId);
    if (device && device.at >= issuedAt) return revokedBy(device, 'device_revoked', lineage.deviceId);
  }
  return (
    ancestorRevocation(index.sessionFlags, index.revokedSessions, lineage.sessions, t.ds0, t.rest?.sessions ?? null, 'session_revoked') ??
    ancestorRevocation(index.agentFlags, index.revokedAgents, lineage.agents, t.da0, t.rest?.agents ?? null, 'agent_revoked') ??
    ancestorRevocation(index.grantFlags, index.revokedGrants, lineage.grants, t.dg0, t.rest?.grants ?? null, 'grant_revoked') ??
    ACTIVE
  );
}

/** The first of `ids` (dense: `first`, then `rest`) that is flagged and still has its revocation. */
function ancestorRevocation(
  flags: FlagArray,
  revoked: ReadonlyMap<string, Revocation>,
  ids: readonly string[],
  first: number,
  rest: readonly number[] | null,
  cause: RevocationCause,
): CheckResult | null {
  if (first < 0) return null;
  for (let i = 0; ; i++) {
    const dense = i === 0 ? first : rest && i <= rest.length ? (rest[i - 1] as number) : -1;
    if (dense < 0) return null;
    if (!flags.has(dense)) continue;
    const id = ids[i] as string;
    const revocation = revoked.get(id);
    if (revocation) return revokedBy(revocation, cause, id);
  }
}

/**
 * A JWT by its claims, including one the ledger never saw minted: `sub`+`iat` meet the user's
 * not-before, `sid` and `agent_id` meet revoked sessions and agents and their ancestors.
 */
export function checkClaims(index: TenantRevocationIndex | undefined, claims: CheckClaims, now: number): CheckResult {
  if (claims.exp !== undefined && claims.exp * 1000 <= now) return inactive('expired');
  if (!index) return ACTIVE; // nothing was ever revoked for this tenant
  const slot = claims.jti ? index.tokens.slot(claims.jti) : -1;
  if (claims.jti && slot >= 0) {
    if (claims.sub && index.tokens.originAt(slot).userId !== claims.sub) return inactive('lineage_mismatch');
    return checkSlot(index, slot, claims.jti, now);
  }
  const fast = claimsFastPath(index, claims);
  if (fast) return fast;
  const lineage: Lineage = { sessions: [], agents: [], grants: [], deviceId: null };
  let userId = claims.sub;
  if (claims.sid) {
    const session = index.sessions.get(claims.sid);
    if (session && userId && session.userId !== userId) return inactive('lineage_mismatch');
    userId ??= session?.userId;
    // The session's own lineage begins with itself.
    lineage.sessions.push(...(session?.hot.lineage.sessions ?? [claims.sid]));
    lineage.deviceId = session?.hot.lineage.deviceId ?? null;
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
 * Returns null whenever the detailed path must decide. (A `jti` the table holds was answered before.)
 */
function claimsFastPath(index: TenantRevocationIndex, claims: CheckClaims): CheckResult | null {
  if (claims.jti !== undefined && index.revokedTokens.has(claims.jti)) return null;
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
  if (t.rest) return null;
  return ACTIVE;
}

/** An interactive session (e.g. the RP's session cookie): Session Invalidation applies here. */
export function checkSession(index: TenantRevocationIndex | undefined, sessionId: string, now: number): CheckResult {
  const session = index?.sessions.get(sessionId);
  if (!index || !session) return inactive('unknown');
  if (session.ended) return inactive('ended');
  if (session.expiresAt !== null && session.expiresAt <= now) return inactive('expired');
  const revoked = revokedResult(index, { userId: session.userId, issuedAt: session.startedAt, lineage: session.hot.lineage });
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
