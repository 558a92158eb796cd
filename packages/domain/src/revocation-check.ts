import type { Lineage } from './lineage.ts';
import type { Revocation } from './graph.ts';

/** The few hash lookups a revocation check needs. Implemented by the hot index and the graph. */
export interface RevocationLookups {
  userNotBefore(userId: string): Revocation | undefined;
  deviceNotBefore(deviceId: string): Revocation | undefined;
  revokedSession(sessionId: string): Revocation | undefined;
  revokedAgent(agentId: string): Revocation | undefined;
  revokedGrant(grantId: string): Revocation | undefined;
  revokedToken(tokenId: string): Revocation | undefined;
}

export type RevocationCause =
  'token_revoked' | 'user_revoked' | 'device_revoked' | 'session_revoked' | 'agent_revoked' | 'grant_revoked' | 'session_invalidated';

export interface RevocationFinding extends Revocation {
  readonly cause: RevocationCause;
  /** The node whose revocation covers the subject (itself or an ancestor). */
  readonly by: string;
}

export interface LineageSubject {
  readonly userId: string;
  /** Epoch ms at which it was issued (JWT `iat` × 1000). Not-before cut-offs compare against it. */
  readonly issuedAt: number;
  readonly lineage: Lineage;
  readonly tokenId?: string | null;
}

/**
 * Whether anything on a subject's fixed lineage was revoked: a handful of lookups, never a
 * graph walk. A not-before cut-off revokes everything issued at or before it, so a fresh
 * login after a Global Revocation goes through while every older token fails.
 */
/** A finding of one shape whatever the stored revocation carries (a spread would not be: slow on hot paths). */
const finding = (revocation: Revocation, cause: RevocationCause, by: string): RevocationFinding => ({
  terminationId: revocation.terminationId,
  at: revocation.at,
  cause,
  by,
});

export function findRevocation(lookups: RevocationLookups, subject: LineageSubject): RevocationFinding | null {
  if (subject.tokenId) {
    const token = lookups.revokedToken(subject.tokenId);
    if (token) return finding(token, 'token_revoked', subject.tokenId);
  }
  const user = lookups.userNotBefore(subject.userId);
  if (user && user.at >= subject.issuedAt) return finding(user, 'user_revoked', subject.userId);
  const { deviceId, sessions, agents, grants } = subject.lineage;
  if (deviceId) {
    const device = lookups.deviceNotBefore(deviceId);
    if (device && device.at >= subject.issuedAt) return finding(device, 'device_revoked', deviceId);
  }
  for (const id of sessions) {
    const found = lookups.revokedSession(id);
    if (found) return finding(found, 'session_revoked', id);
  }
  for (const id of agents) {
    const found = lookups.revokedAgent(id);
    if (found) return finding(found, 'agent_revoked', id);
  }
  for (const id of grants) {
    const found = lookups.revokedGrant(id);
    if (found) return finding(found, 'grant_revoked', id);
  }
  return null;
}
