import type { Lineage, Revocation, RevocationLookups } from '@killswitch/domain';
import type { ExpiryQueue } from '../hot/expiry-queue.ts';
import { reviveInstance } from '../projection.ts';
import { lineageKey, TokenTable, type PlainOrigin, type TableToken } from '../hot/token-table.ts';

export { lineageKey } from '../hot/token-table.ts';
import { DenseIds, FlagArray, InstantArray } from './dense.ts';

export interface RevokedEntry extends Revocation {
  /** When the subject would have died anyway; the entry is dropped after that. */
  readonly expiresAt: number | null;
}

export interface IndexedSession {
  readonly userId: string;
  readonly startedAt: number;
  readonly expiresAt: number | null;
  readonly lineage: Lineage;
  /** Dense ids of the user, device and the session itself with its ancestors: the claims fast path. */
  readonly hot: HotLineage;
  ended: boolean;
}

export interface IndexedIssued {
  readonly userId: string;
  readonly issuedAt: number;
  readonly lineage: Lineage;
  readonly hot?: HotLineage;
}

/** Dense ids of a token's lineage, inline: a check reads them without touching the lineage's strings. */
export interface DenseLineage {
  readonly device: number;
  readonly sessions: readonly number[];
  readonly agents: readonly number[];
  readonly grants: readonly number[];
}

/**
 * Hot fields first, as small integers stored in the record itself: a check reads one object.
 * `*0` is the nearest ancestor of each kind (-1 for none); `*Rest` the others (usually null).
 */
export interface HotLineage {
  readonly du: number;
  readonly dd: number;
  readonly ds0: number;
  readonly da0: number;
  readonly dg0: number;
  readonly dsRest: readonly number[] | null;
  readonly daRest: readonly number[] | null;
  readonly dgRest: readonly number[] | null;
}

/**
 * One shared empty list for every lineage member that has none (most agents and grants lists):
 * an index of a million sessions holds no million empty arrays. Frozen: nothing may add to it.
 */
const NO_IDS: string[] = Object.freeze([] as string[]) as string[];
const NO_DENSE: readonly number[] = Object.freeze([] as number[]);
const copyIds = (ids: readonly string[]): string[] => (ids.length === 0 ? NO_IDS : [...ids]);
const denseIds = (ids: readonly string[], of: DenseIds): readonly number[] => (ids.length === 0 ? NO_DENSE : ids.map((id) => of.of(id)));

/** A session's own ancestry as the index keeps it: shared empty lists. */
export const compactLineage = (sessions: readonly string[], deviceId: string | null): Lineage => ({
  sessions: copyIds(sessions),
  agents: NO_IDS,
  grants: NO_IDS,
  deviceId,
});

export function hotLineage(user: number, dense: DenseLineage): HotLineage {
  const rest = (ids: readonly number[]) => (ids.length > 1 ? ids.slice(1) : null);
  return {
    du: user,
    dd: dense.device,
    ds0: dense.sessions[0] ?? -1,
    da0: dense.agents[0] ?? -1,
    dg0: dense.grants[0] ?? -1,
    dsRest: rest(dense.sessions),
    daRest: rest(dense.agents),
    dgRest: rest(dense.grants),
  };
}

/**
 * Where tokens come from: a user and a lineage, with the dense ids a check reads. Every token
 * minted in one session (or by one agent) shares one origin, so a token holds a single number.
 */
export interface TokenOrigin extends PlainOrigin, HotLineage {}

/** A live token as the index reads it back from its table. */
export type IndexedToken = TableToken<TokenOrigin>;

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
  /** Live tokens, by column (see `TokenTable`). */
  readonly tokens = new TokenTable<TokenOrigin>();
  /** The hot path: dense ids, revocation flags and not-before instants in typed arrays that stay in cache. */
  readonly dense = {
    users: new DenseIds(),
    devices: new DenseIds(),
    sessions: new DenseIds(),
    agents: new DenseIds(),
    grants: new DenseIds(),
  };
  readonly userCutoffs = new InstantArray();
  readonly deviceCutoffs = new InstantArray();
  readonly sessionFlags = new FlagArray();
  readonly agentFlags = new FlagArray();
  readonly grantFlags = new FlagArray();
  private readonly denseLineages = new Map<Lineage, DenseLineage>();
  /**
   * The store position of this tenant's latest feed event (`REVOCATION_FEED_TYPES`), and how many
   * feed events it has had up to it: an enforcer compares them with what it applied to find gaps.
   */
  feedPosition = 0;
  feedCount = 0;

  /** An index back from a hot snapshot's structured clone. */
  static revive(data: unknown): TenantRevocationIndex {
    const index = reviveInstance(TenantRevocationIndex, data);
    (index as unknown as { tokens: TokenTable<TokenOrigin> }).tokens = TokenTable.revive<TokenOrigin>(index.tokens);
    for (const kind of Object.keys(index.dense) as Array<keyof TenantRevocationIndex['dense']>)
      index.dense[kind] = reviveInstance(DenseIds, index.dense[kind]);
    const mutable = index as unknown as Record<string, unknown>;
    for (const key of ['userCutoffs', 'deviceCutoffs']) mutable[key] = reviveInstance(InstantArray, mutable[key]);
    for (const key of ['sessionFlags', 'agentFlags', 'grantFlags']) mutable[key] = reviveInstance(FlagArray, mutable[key]);
    return index;
  }

  /** The hot fields of a node: the user's dense id with its lineage's. */
  hotOf(userId: string, lineage: Lineage): HotLineage {
    return hotLineage(this.dense.users.of(userId), this.denseLineageOf(lineage));
  }

  /** Dense ids of an interned lineage: computed once per lineage, whoever the user. */
  denseLineageOf(lineage: Lineage): DenseLineage {
    let dense = this.denseLineages.get(lineage);
    if (!dense) {
      dense = {
        device: lineage.deviceId === null ? -1 : this.dense.devices.of(lineage.deviceId),
        sessions: denseIds(lineage.sessions, this.dense.sessions),
        agents: denseIds(lineage.agents, this.dense.agents),
        grants: denseIds(lineage.grants, this.dense.grants),
      };
      this.denseLineages.set(lineage, dense);
    }
    return dense;
  }

  /**
   * Tokens minted in one session (or by one agent) share one lineage object and its id strings,
   * so a check touches memory that is already in cache: most of its cost is cache misses.
   */
  private readonly lineages = new Map<string, Lineage>();
  private readonly users = new Map<string, string>();

  internLineage(lineage: Lineage): Lineage {
    const key = lineageKey(lineage);
    let shared = this.lineages.get(key);
    if (!shared) {
      shared = Object.freeze({
        sessions: copyIds(lineage.sessions),
        agents: copyIds(lineage.agents),
        grants: copyIds(lineage.grants),
        deviceId: lineage.deviceId,
      });
      this.lineages.set(key, shared);
    }
    return shared;
  }

  internUser(userId: string): string {
    const shared = this.users.get(userId);
    if (shared !== undefined) return shared;
    this.users.set(userId, userId);
    return userId;
  }

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
  /** Per tenant, by expiry bucket, popped in expiry order: live tokens' slots in the token table, revoked tokens' ids. */
  readonly expiries: Map<string, ExpiryQueue<number | string>>;
  /** Recorded time of the latest event applied: the projection's own notion of "now". */
  clock: number;
}
