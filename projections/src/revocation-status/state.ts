import type { Lineage, Revocation, RevocationLookups } from '@killswitch/domain';
import type { TokenMintedTypes } from '@killswitch/schemas';

export interface RevokedEntry extends Revocation {
  /** When the subject would have died anyway; the entry is dropped after that. */
  readonly expiresAt: number | null;
}

export interface IndexedSession {
  readonly userId: string;
  readonly startedAt: number;
  readonly expiresAt: number | null;
  readonly lineage: Lineage;
  ended: boolean;
}

export interface IndexedIssued {
  readonly userId: string;
  readonly issuedAt: number;
  readonly lineage: Lineage;
}

export interface IndexedToken extends IndexedIssued {
  readonly expiresAt: number;
  readonly kind: TokenMintedTypes.TokenKind;
  readonly format: TokenMintedTypes.TokenFormat;
  readonly binding: TokenMintedTypes.TokenBinding;
  readonly bindingThumbprint: string | null;
  readonly clientId: string | null;
  readonly scope: string | null;
  readonly sessionId: string | null;
  readonly agentId: string | null;
}

/** One tenant's hot revocation index: everything a check needs, nothing more. */
export class TenantRevocationIndex implements RevocationLookups {
  readonly userNotBefores = new Map<string, Revocation>();
  readonly deviceNotBefores = new Map<string, Revocation>();
  readonly revokedSessions = new Map<string, RevokedEntry>();
  readonly invalidatedSessions = new Map<string, RevokedEntry>();
  readonly revokedAgents = new Map<string, RevokedEntry>();
  readonly revokedGrants = new Map<string, RevokedEntry>();
  readonly revokedTokens = new Map<string, RevokedEntry>();
  readonly sessions = new Map<string, IndexedSession>();
  readonly agents = new Map<string, IndexedIssued>();
  readonly tokens = new Map<string, IndexedToken>();

  userNotBefore(userId: string) {
    return this.userNotBefores.get(userId);
  }
  deviceNotBefore(deviceId: string) {
    return this.deviceNotBefores.get(deviceId);
  }
  revokedSession(id: string) {
    return this.revokedSessions.get(id);
  }
  revokedAgent(id: string) {
    return this.revokedAgents.get(id);
  }
  revokedGrant(id: string) {
    return this.revokedGrants.get(id);
  }
  revokedToken(id: string) {
    return this.revokedTokens.get(id);
  }
}

export interface RevocationStatusState {
  readonly tenants: Map<string, TenantRevocationIndex>;
  /** Expiry bucket (minute) → token keys (`tenant\0jti`) that die in it. */
  readonly expiries: Map<number, string[]>;
  /** Buckets below this one have been swept. */
  sweptBefore: number;
  /** Recorded time of the latest event applied: the projection's own notion of "now". */
  clock: number;
}
