import type { Lineage, Revocation, RevocationLookups } from '@killswitch/domain';
import { ExpiryQueue, expiryBucket, type SlotQueue } from '../hot/expiry-queue.ts';
import { reviveInstance } from '../projection.ts';
import { TokenTable, type PlainOrigin, type TableToken } from '../hot/token-table.ts';
import { keptLineage } from '../hot/lineage-index.ts';

import { DenseIds, FlagArray, InstantArray } from './dense.ts';
import { SessionTable } from './session-table.ts';

export interface RevokedEntry extends Revocation {
  /** When the subject would have died anyway; the entry is dropped after that. */
  readonly expiresAt: number | null;
}

export interface IndexedSession {
  readonly userId: string;
  readonly startedAt: number;
  readonly expiresAt: number | null;
  /**
   * The origin of what the session holds: its own lineage (the session itself, then its
   * ancestors, its device) with the dense ids the claims fast path reads. Shared with its tokens.
   */
  readonly hot: TokenOrigin;
  /** `hot`'s id in the token table: the session holds it until it leaves the index. */
  readonly origin: number;
  readonly ended: boolean;
}

export interface IndexedIssued {
  readonly userId: string;
  readonly issuedAt: number;
  readonly lineage: Lineage;
  readonly hot?: HotLineage;
  /** `hot`'s id in the token table, held until the node leaves the index. */
  readonly origin: number;
}

/**
 * Hot fields first, as small integers stored in the record itself: a check reads one object.
 * `*0` is the nearest ancestor of each kind (-1 for none); `rest` the others, of each kind (null,
 * as for most lineages, when there are none: one field, not three, in every origin).
 */
export interface HotLineage {
  readonly du: number;
  readonly dd: number;
  readonly ds0: number;
  readonly da0: number;
  readonly dg0: number;
  readonly rest: DenseRest | null;
}

/** The dense ids of a lineage's further ancestors, of each kind (nearest first). */
export interface DenseRest {
  readonly sessions: readonly number[];
  readonly agents: readonly number[];
  readonly grants: readonly number[];
}

/** All but the nearest of a lineage's dense ids of one kind (a shared empty list when there are none). */
const NO_DENSE: readonly number[] = Object.freeze([]);
const tail = (ids: readonly number[]): readonly number[] => (ids.length > 1 ? ids.slice(1) : NO_DENSE);

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
  /**
   * Sessions by the expiry bucket of when they end (their expiry, or a recorded end): a session
   * leaves the index once it has ended or expired, grace included. Its tokens keep their own
   * origin; revocations of it are kept as they are.
   */
  readonly ends = new ExpiryQueue<string>();
  /** Agents by the expiry bucket of their recorded end: they leave the index then. */
  readonly agentEnds = new ExpiryQueue<string>();
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
  /** The live sessions, by their dense ids (`SessionTable`). */
  readonly sessions = new SessionTable(this.dense.sessions, this.tokens);
  readonly agentFlags = new FlagArray();
  readonly grantFlags = new FlagArray();
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
    for (const key of ['ends', 'agentEnds'] as const)
      (index as unknown as Record<typeof key, ExpiryQueue<string>>)[key] = reviveInstance(ExpiryQueue<string>, index[key]);
    for (const kind of Object.keys(index.dense) as Array<keyof TenantRevocationIndex['dense']>)
      index.dense[kind] = reviveInstance(DenseIds, index.dense[kind]);
    (index as unknown as { sessions: SessionTable }).sessions = SessionTable.revive(index.sessions, index.dense.sessions, index.tokens);
    const mutable = index as unknown as Record<string, unknown>;
    for (const key of ['userCutoffs', 'deviceCutoffs']) mutable[key] = reviveInstance(InstantArray, mutable[key]);
    for (const key of ['sessionFlags', 'agentFlags', 'grantFlags']) mutable[key] = reviveInstance(FlagArray, mutable[key]);
    return index;
  }

  /**
   * The id in the token table of the origin of what `userId` holds under `lineage` (found by content): the
   * shared record of its tokens, and the hot fields a check of the node itself reads (a session's
   * or agent's `hot` is it).
   */
  originIdOf(userId: string, lineage: Lineage): number {
    return this.tokens.originFor(userId, lineage, () => this.makeOrigin(this.internUser(userId), this.copyLineage(lineage)));
  }

  /**
   * A session's entry: it holds its origin (shared with its tokens) until it leaves (`leaveIfEnded`).
   * `lineage` is its own: the session itself first, whose dense id its origin holds and files it under.
   */
  startSession(userId: string, lineage: Lineage, startedAt: number, expiresAt: number | null): void {
    const origin = this.originIdOf(userId, lineage);
    this.tokens.retainOrigin(origin);
    const dense = this.tokens.originById(origin).ds0;
    const previous = this.sessions.remove(dense);
    this.sessions.put(dense, origin, startedAt, expiresAt);
    if (previous >= 0) this.tokens.releaseOrigin(previous);
    this.forgetReleased();
  }

  /** An agent's entry: it holds its origin (shared with its tokens) until it has ended. */
  spawnAgent(agentId: string, userId: string, own: Lineage, lineage: Lineage, spawnedAt: number): void {
    const previous = this.agents.get(agentId);
    const origin = this.originIdOf(userId, own);
    this.tokens.retainOrigin(origin);
    this.agents.set(agentId, { userId, issuedAt: spawnedAt, lineage, hot: this.tokens.originById(origin), origin });
    if (previous) this.tokens.releaseOrigin(previous.origin);
    this.forgetReleased();
  }

  /** A session leaves the index once it has ended or expired by `current` (an expiry bucket); its tokens, if any still live, keep its origin. */
  leaveIfEnded(sessionId: string, current: number): void {
    const dense = this.dense.sessions.find(sessionId);
    const session = dense === undefined ? undefined : this.sessions.at(dense);
    if (!session || !(session.ended || (session.expiresAt !== null && expiryBucket(session.expiresAt) < current))) return;
    this.sessions.remove(dense as number);
    this.tokens.releaseOrigin(session.origin);
  }

  /** An agent that has ended leaves the index; its tokens, if any still live, keep its origin. */
  agentLeaves(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    this.agents.delete(agentId);
    this.tokens.releaseOrigin(agent.origin);
  }

  /**
   * Drops what the index kept for origins the token table has freed: their dense ids (unless a
   * revocation flag or another origin still holds them).
   */
  forgetReleased(): void {
    const released = this.tokens.takeReleased();
    if (released.length === 0) return;
    const { sessions, agents, grants } = this.dense;
    const release = (of: DenseIds, first: number, rest: readonly number[] | null) => {
      of.release(first);
      if (rest) for (const dense of rest) of.release(dense);
    };
    for (const { origin } of released) {
      release(sessions, origin.ds0, origin.rest?.sessions ?? null);
      release(agents, origin.da0, origin.rest?.agents ?? null);
      release(grants, origin.dg0, origin.rest?.grants ?? null);
    }
  }

  /**
   * A new origin: the user and lineage with their dense ids (made once per origin), in one
   * literal, so every origin has the same shape with all of its fields in the object.
   */
  private makeOrigin(userId: string, lineage: Lineage): TokenOrigin {
    const { users, devices, sessions, agents, grants } = this.dense;
    // Each origin holds the dense ids of its lineage's sessions, agents and grants until it is freed.
    const dense = (ids: readonly string[], of: DenseIds) => ids.map((id) => of.acquire(id));
    const s = dense(lineage.sessions, sessions);
    const a = dense(lineage.agents, agents);
    const g = dense(lineage.grants, grants);
    return {
      userId,
      lineage,
      du: users.of(userId),
      dd: lineage.deviceId === null ? -1 : devices.of(lineage.deviceId),
      ds0: s[0] ?? -1,
      da0: a[0] ?? -1,
      dg0: g[0] ?? -1,
      rest: s.length > 1 || a.length > 1 || g.length > 1 ? { sessions: tail(s), agents: tail(a), grants: tail(g) } : null,
    };
  }

  private readonly users = new Map<string, string>();

  /**
   * An origin's own lineage: a frozen copy (lists with nothing in them share one empty list, the
   * device id is the index's own string for it). Tokens minted in one session (or by one agent)
   * share their origin, and so this object: a check touches memory that is already in cache.
   */
  private copyLineage(given: Lineage): Lineage {
    return keptLineage(given, given.deviceId === null ? null : this.internDevice(given.deviceId));
  }

  /** The device id string the index already holds (its dense id's name): one per device, not one per session. */
  private internDevice(deviceId: string): string {
    const devices = this.dense.devices;
    return devices.nameOf(devices.of(deviceId)) as string;
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
  /** Per tenant, by expiry bucket, popped in expiry order: live tokens' slots in the token table. */
  readonly expiries: Map<string, SlotQueue>;
  /** Per tenant, by expiry bucket: the ids of tokens revoked one by one, whose entries leave with their expiry. */
  readonly revokedExpiries: Map<string, ExpiryQueue<string>>;
  /** Recorded time of the latest event applied: the projection's own notion of "now". */
  clock: number;
}
