import {
  findRevocation,
  lineageOfNode,
  type TokenTally,
  type Lineage,
  type AgentNode,
  type Descendants,
  type GrantNode,
  type GraphView,
  type Revocation,
  type RevocationLookups,
  type SessionNode,
  type SubjectRef,
  type TokenNode,
} from '@killswitch/domain';
import type { EventData } from '@killswitch/schemas';
import { keptLineage, sameLineage } from '../hot/lineage-index.ts';
import { COLUMN, TokenTable, type OriginTally, type PlainOrigin } from '../hot/token-table.ts';
import { ExpiryQueue, expiryBucket } from '../hot/expiry-queue.ts';
import { reviveInstance } from '../projection.ts';

/** A user's sessions, grants and agents (its tokens are listed by origin, in `GraphTokens`). */
interface UserNode {
  readonly sessions: Set<string>;
  readonly grants: Set<string>;
  readonly agents: Set<string>;
  notBefore: Revocation | null;
}

/** Children of a node, by kind (tokens are listed by origin, in `GraphTokens`). */
interface Children {
  readonly sessions: Set<string>;
  readonly grants: Set<string>;
  readonly agents: Set<string>;
}

/** A graph origin: a user, a lineage, and the nodes its tokens hang from directly (`session:id`, ...). */
interface GraphOrigin extends PlainOrigin {
  readonly parents: readonly string[];
}

/**
 * Origins listed by a key (a user, a parent node): one origin is kept as its number, more in a set.
 * Most sessions' tokens share one origin, and a set for each would cost ~100 bytes a session.
 */
export class OriginLists {
  private readonly lists = new Map<string, number | Set<number>>();

  has(key: string): boolean {
    return this.lists.has(key);
  }

  of(key: string): Iterable<number> {
    const listed = this.lists.get(key);
    return listed === undefined ? [] : typeof listed === 'number' ? [listed] : listed;
  }

  add(key: string, origin: number): void {
    const listed = this.lists.get(key);
    if (listed === undefined) this.lists.set(key, origin);
    else if (typeof listed === 'number') {
      if (listed !== origin) this.lists.set(key, new Set([listed, origin]));
    } else listed.add(origin);
  }

  delete(key: string, origin: number): void {
    const listed = this.lists.get(key);
    if (listed === origin) this.lists.delete(key);
    else if (typeof listed === 'object' && listed.delete(origin)) {
      if (listed.size === 1) this.lists.set(key, listed.values().next().value as number);
    }
  }

  /** Lists back from a hot snapshot's structured clone. */
  static revive(data: unknown): OriginLists {
    return reviveInstance(OriginLists, data);
  }
}

/**
 * The graph's live tokens: a token table (one shared origin per user, lineage and parent nodes,
 * columns for the rest) and the few that were revoked one by one. Nodes are built when read.
 * A user's tokens, and a node's child tokens, are listed through their origins: no set of token
 * ids per user or per node.
 */
export class GraphTokens {
  // Kind, format and binding are all the graph reads of a token's strings (receipts, blast radius).
  private table = new TokenTable<GraphOrigin>({ byOrigin: true, stringColumns: 3 });
  private readonly revoked = new Map<string, Revocation>();
  /** Each user's token origins (ids in the table): a receipt reads a user's tokens by origin. */
  private readonly userOrigins = new OriginLists();
  /** The origins of the tokens minted directly under a node (`session:id`, `agent:id`, `grant:id`). */
  private readonly parentOrigins = new OriginLists();

  /** The tokens back from a hot snapshot's structured clone. */
  static revive(data: unknown): GraphTokens {
    const tokens = reviveInstance(GraphTokens, data);
    tokens.table = TokenTable.revive<GraphOrigin>(tokens.table);
    const lists = tokens as unknown as Record<'userOrigins' | 'parentOrigins', OriginLists>;
    lists.userOrigins = OriginLists.revive(lists.userOrigins);
    lists.parentOrigins = OriginLists.revive(lists.parentOrigins);
    return tokens;
  }

  get size(): number {
    return this.table.size;
  }

  has(tokenId: string): boolean {
    return this.table.has(tokenId);
  }

  /** The origin of the last token added (its user and lineage are the origin's), with the nodes it named: tokens arrive in runs from one place. */
  private lastOrigin: { id: number; origin: GraphOrigin; agentId: string | null; grantId: string | null; sessionId: string | null } | null =
    null;

  /** Adds a live token; returns its slot (what the graph's expiry queue holds). */
  add(d: EventData<'TokenMinted'>): number {
    const last = this.lastOrigin;
    const origin =
      last &&
      last.origin.userId === d.userId &&
      sameLineage(last.origin.lineage, d.lineage) &&
      last.agentId === d.agentId &&
      last.grantId === d.grantId &&
      last.sessionId === d.sessionId
        ? last.id
        : this.originFor(d);
    return this.table.set(d.tokenId, origin, {
      expiresAt: d.expiresAt,
      issuedAt: d.issuedAt,
      kind: d.kind,
      format: d.format,
      binding: d.binding,
      bindingThumbprint: null,
      clientId: null,
      scope: null,
      sessionId: null,
      agentId: null,
    });
  }

  private originFor(d: EventData<'TokenMinted'>): number {
    const { userId, lineage } = d;
    // The nodes the token hangs from directly: an agent's tokens are its own, not its session's.
    // Kept by the origin: an exact-size list (one grown by pushes has room for 17, ~150 bytes).
    const agent = d.agentId ? `agent:${d.agentId}` : null;
    const grant = d.grantId ? `grant:${d.grantId}` : null;
    const session = d.sessionId && !d.agentId ? `session:${d.sessionId}` : null;
    const parents = [agent, grant, session].filter((parent) => parent !== null).slice();
    let created = false;
    const origin = this.table.originFor(
      userId,
      lineage,
      () => {
        created = true;
        return { userId, lineage: keptLineage(lineage), parents };
      },
      parents,
    );
    if (created) {
      this.userOrigins.add(userId, origin);
      for (const parent of parents) this.parentOrigins.add(parent, origin);
    }
    this.lastOrigin = { id: origin, origin: this.table.originById(origin), agentId: d.agentId, grantId: d.grantId, sessionId: d.sessionId };
    return origin;
  }

  /**
   * Forgets the origins the table freed with their last token (they leave the user's and the
   * parents' lists), and returns them: a parent that has ended may now go.
   */
  forgetReleased(): GraphOrigin[] {
    const released = this.table.takeReleased();
    if (released.length === 0) return [];
    this.lastOrigin = null;
    for (const { id, origin } of released) {
      this.userOrigins.delete(origin.userId, id);
      for (const parent of origin.parents) this.parentOrigins.delete(parent, id);
    }
    return released.map(({ origin }) => origin);
  }

  /** Whether live tokens hang directly from a node (`session:id`, `agent:id`, `grant:id`). */
  hasUnder(parent: string): boolean {
    return this.parentOrigins.has(parent);
  }

  /** Slots of a user's live tokens, origin by origin, each origin's in minting order. */
  *slotsOfUser(userId: string): IterableIterator<number> {
    for (const origin of this.userOrigins.of(userId)) yield* this.table.slotsOf(origin);
  }

  /** Slots of the live tokens minted directly under a node (`session:id`, `agent:id`, `grant:id`). */
  *slotsUnder(parent: string): IterableIterator<number> {
    for (const origin of this.parentOrigins.of(parent)) yield* this.table.slotsOf(origin);
  }

  get(tokenId: string): TokenNode | undefined {
    const slot = this.table.slot(tokenId);
    return slot < 0 ? undefined : this.nodeAt(slot);
  }

  /** The token in an occupied slot, as a node. */
  nodeAt(slot: number): TokenNode {
    const table = this.table;
    const id = table.idAt(slot) as string;
    const origin = table.originAt(slot);
    return {
      id,
      userId: origin.userId,
      issuedAt: table.issuedAtOf(slot),
      lineage: origin.lineage,
      revoked: this.revoked.size > 0 ? (this.revoked.get(id) ?? null) : null,
      kind: table.stringAt(slot, COLUMN.kind) as TokenNode['kind'],
      format: table.stringAt(slot, COLUMN.format) as TokenNode['format'],
      binding: table.stringAt(slot, COLUMN.binding) as TokenNode['binding'],
      expiresAt: table.expiresAtOf(slot),
    };
  }

  /** Drops the token in a slot if it is still there and `expired` (the slot may since hold a newer token). */
  evictSlot(slot: number, expired: (expiresAt: number) => boolean): void {
    // Only a token revoked one by one has an entry to drop, and few are: its id is read only then.
    const id = this.revoked.size > 0 ? this.table.idAt(slot) : undefined;
    if (this.table.evictIfExpired(slot, expired) && id !== undefined) this.revoked.delete(id);
  }

  /** The first revocation of a live token (later ones change nothing). */
  revoke(tokenId: string, revocation: Revocation): void {
    if (this.table.has(tokenId) && !this.revoked.has(tokenId)) this.revoked.set(tokenId, revocation);
  }

  revokedOf(tokenId: string): Revocation | undefined {
    return this.revoked.get(tokenId);
  }

  /**
   * The live tokens of `userId` whose lineage `covers` selects, tallied from the columns: one
   * revocation lookup per origin (lineage), then per token only times and interned ids compared.
   */
  tally(userId: string, covers: (lineage: Lineage) => boolean, before: RevocationLookups, now: number): TokenTally {
    const table = this.table;
    const ids = {
      REFRESH: table.internedId('REFRESH'),
      REFERENCE: table.internedId('REFERENCE'),
      JWT: table.internedId('JWT'),
      BEARER: table.internedId('BEARER'),
    };
    const into: OriginTally = { ids, refresh: 0, reference: 0, stateless: 0, bearer: 0, bearerLatest: 0, bound: 0, boundLatest: 0 };
    // Tokens revoked one by one (few), by slot, as the view before this termination has them.
    const revokedSlots = new Set<number>();
    for (const id of this.revoked.keys()) if (before.revokedToken(id)) revokedSlots.add(table.slot(id));
    const userCut = before.userNotBefore(userId)?.at ?? Number.NEGATIVE_INFINITY;
    for (const origin of this.userOrigins.of(userId)) {
      const { lineage } = table.originById(origin);
      if (!covers(lineage)) continue;
      // The lineage's own revocation (cutoffs aside: +Infinity is issued after any of them).
      const lineageRevoked = findRevocation(before, { userId, issuedAt: Number.POSITIVE_INFINITY, lineage, tokenId: null }) !== null;
      const deviceCut = lineage.deviceId
        ? (before.deviceNotBefore(lineage.deviceId)?.at ?? Number.NEGATIVE_INFINITY)
        : Number.NEGATIVE_INFINITY;
      table.tallyOrigin(origin, now, lineageRevoked, Math.max(userCut, deviceCut), revokedSlots, into);
    }
    return {
      live: {
        tokens: into.refresh + into.reference + into.stateless,
        refreshTokens: into.refresh,
        referenceTokens: into.reference,
        statelessTokens: into.stateless,
      },
      residual: {
        bearer: { count: into.bearer, latestExpiry: into.bearer > 0 ? into.bearerLatest : null },
        deviceBound: { count: into.bound, latestExpiry: into.bound > 0 ? into.boundLatest : null },
      },
    };
  }

  /** Every token as a node (canonical snapshots; not for hot paths). */
  toMap(): Map<string, TokenNode> {
    return new Map([...this.table.keys()].map((id) => [id, this.get(id) as TokenNode]));
  }
}

const noChildren = (): Children => ({ sessions: new Set(), grants: new Set(), agents: new Set() });

/** One tenant's session graph: lineage in both directions, for blast radius and termination planning. */
export class TenantGraph implements GraphView, RevocationLookups {
  readonly users = new Map<string, UserNode>();
  readonly sessions = new Map<string, SessionNode>();
  readonly grants = new Map<string, GrantNode>();
  readonly agents = new Map<string, AgentNode>();
  /** Live tokens, by column (see `GraphTokens`). */
  readonly tokens = new GraphTokens();
  readonly devices = new Map<string, { sessions: Set<string>; notBefore: Revocation | null }>();
  /** Latest activity per session (its start until an activity is recorded): activity is coalesced against it. */
  readonly lastActivity = new Map<string, number>();
  /** Parent node key (`session:id`, `agent:id`, `grant:id`) → its children. */
  readonly children = new Map<string, Children>();
  /**
   * Node keys by the expiry bucket of their end (a session's or grant's expiry, a session's or
   * agent's recorded end). A node leaves the live graph once it has ended, grace included, and
   * nothing live hangs from it (child nodes, tokens); its history is in the durable graph.
   */
  readonly ends = new ExpiryQueue<string>();

  /** A graph back from a hot snapshot's structured clone. */
  static revive(data: unknown): TenantGraph {
    const graph = reviveInstance(TenantGraph, data);
    (graph as unknown as { tokens: GraphTokens }).tokens = GraphTokens.revive(graph.tokens);
    (graph as unknown as { ends: ExpiryQueue<string> }).ends = reviveInstance(ExpiryQueue<string>, graph.ends);
    return graph;
  }

  /** Schedules a node's departure (`key`: `session:id`, `agent:id`, `grant:id`) once `at` has passed, grace included. */
  endAt(key: string, at: number): void {
    this.ends.add(expiryBucket(at), key);
  }

  /**
   * Nodes whose end and grace have passed but that something live still hangs from (child nodes,
   * tokens): each leaves with the last of them.
   */
  readonly waiting = new Set<string>();

  /**
   * Drops the nodes whose end has passed by `current` (a clock bucket) and that nothing live hangs
   * from, and then what freed origins leave behind; a parent waiting only for them follows.
   */
  sweepEnded(current: number): void {
    for (const key of this.ends.popBefore(current)) {
      if (!this.hasEnded(key, current)) continue;
      this.waiting.add(key);
      this.leaveIfDone(key);
    }
    for (const origin of this.tokens.forgetReleased()) for (const parent of origin.parents) this.leaveIfDone(parent);
  }

  private hasEnded(key: string, current: number): boolean {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const id = key.slice(colon + 1);
    if (kind === 'session') {
      const s = this.sessions.get(id);
      return !!s && (s.ended || (s.expiresAt !== null && expiryBucket(s.expiresAt) < current));
    }
    if (kind === 'agent') return !!this.agents.get(id)?.ended;
    const g = this.grants.get(id);
    return !!g && g.expiresAt !== null && expiryBucket(g.expiresAt) < current;
  }

  /** The user of a node and the parent nodes it is listed under. */
  private placeOf(kind: 'session' | 'agent' | 'grant', id: string): { userId: string; parents: string[] } | null {
    if (kind === 'session') {
      const s = this.sessions.get(id);
      return s ? { userId: s.userId, parents: s.parentSessionId ? [`session:${s.parentSessionId}`] : [] } : null;
    }
    if (kind === 'agent') {
      const a = this.agents.get(id);
      if (!a) return null;
      const parent = a.parentAgentId ? `agent:${a.parentAgentId}` : a.sessionId ? `session:${a.sessionId}` : null;
      // Spawned under a grant, the agent's lineage names that grant first.
      const grant = a.lineage.grants[0];
      return { userId: a.userId, parents: [...(parent ? [parent] : []), ...(grant ? [`grant:${grant}`] : [])] };
    }
    const g = this.grants.get(id);
    if (!g) return null;
    const parent = g.agentId ? `agent:${g.agentId}` : g.sessionId ? `session:${g.sessionId}` : null;
    return { userId: g.userId, parents: parent ? [parent] : [] };
  }

  /** Drops a waiting node once nothing live hangs from it, then its parents if that was all they waited for. */
  private leaveIfDone(key: string): void {
    if (!this.waiting.has(key)) return;
    const children = this.children.get(key);
    if (children && children.sessions.size + children.grants.size + children.agents.size > 0) return;
    if (this.tokens.hasUnder(key)) return;
    this.waiting.delete(key);
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon) as 'session' | 'agent' | 'grant';
    const id = key.slice(colon + 1);
    const node = this.placeOf(kind, id);
    if (!node) return;
    this.children.delete(key);
    const user = this.users.get(node.userId);
    if (kind === 'session') {
      const session = this.sessions.get(id) as SessionNode;
      this.sessions.delete(id);
      this.lastActivity.delete(id);
      user?.sessions.delete(id);
      const device = session.deviceId ? this.devices.get(session.deviceId) : undefined;
      if (device) {
        device.sessions.delete(id);
        if (device.sessions.size === 0 && device.notBefore === null) this.devices.delete(session.deviceId as string);
      }
    } else if (kind === 'agent') {
      this.agents.delete(id);
      user?.agents.delete(id);
    } else {
      this.grants.delete(id);
      user?.grants.delete(id);
    }
    const set = kind === 'session' ? 'sessions' : kind === 'agent' ? 'agents' : 'grants';
    for (const parent of node.parents) {
      const siblings = this.children.get(parent);
      if (!siblings) continue;
      siblings[set].delete(id);
      if (siblings.sessions.size + siblings.grants.size + siblings.agents.size === 0) this.children.delete(parent);
      this.leaveIfDone(parent);
    }
  }

  user(userId: string): UserNode {
    let user = this.users.get(userId);
    if (!user) {
      user = { sessions: new Set(), grants: new Set(), agents: new Set(), notBefore: null };
      this.users.set(userId, user);
    }
    return user;
  }

  childrenOf(key: string): Children {
    let children = this.children.get(key);
    if (!children) {
      children = noChildren();
      this.children.set(key, children);
    }
    return children;
  }

  // RevocationLookups
  userNotBefore(userId: string): Revocation | undefined {
    return this.users.get(userId)?.notBefore ?? undefined;
  }
  deviceNotBefore(deviceId: string): Revocation | undefined {
    return this.devices.get(deviceId)?.notBefore ?? undefined;
  }
  userCutoff(userId: string): number | null {
    return this.users.get(userId)?.notBefore?.at ?? null;
  }
  deviceCutoff(deviceId: string): number | null {
    return this.devices.get(deviceId)?.notBefore?.at ?? null;
  }
  revokedSession(id: string) {
    return this.sessions.get(id)?.revoked ?? undefined;
  }
  revokedAgent(id: string) {
    return this.agents.get(id)?.revoked ?? undefined;
  }
  revokedGrant(id: string) {
    return this.grants.get(id)?.revoked ?? undefined;
  }
  revokedToken(id: string) {
    return this.tokens.revokedOf(id);
  }

  // GraphView
  userOf(subject: SubjectRef): string | null {
    switch (subject.type) {
      case 'USER':
        return this.users.has(subject.id) ? subject.id : null;
      case 'SESSION':
        return this.sessions.get(subject.id)?.userId ?? null;
      case 'GRANT':
        return this.grants.get(subject.id)?.userId ?? null;
      case 'AGENT':
        return this.agents.get(subject.id)?.userId ?? null;
      case 'TOKEN':
        return this.tokens.get(subject.id)?.userId ?? null;
      case 'DEVICE': {
        const first = this.devices.get(subject.id)?.sessions.values().next();
        return first && !first.done ? (this.sessions.get(first.value)?.userId ?? null) : null;
      }
    }
  }

  session(id: string): SessionNode | undefined {
    return this.sessions.get(id);
  }

  sessionsOfUser(userId: string): SessionNode[] {
    return [...(this.users.get(userId)?.sessions ?? [])].map((id) => this.sessions.get(id) as SessionNode);
  }

  sessionsOfDevice(deviceId: string): SessionNode[] {
    return [...(this.devices.get(deviceId)?.sessions ?? [])].map((id) => this.sessions.get(id) as SessionNode);
  }

  node(subject: SubjectRef): SessionNode | GrantNode | AgentNode | TokenNode | undefined {
    switch (subject.type) {
      case 'SESSION':
        return this.sessions.get(subject.id);
      case 'GRANT':
        return this.grants.get(subject.id);
      case 'AGENT':
        return this.agents.get(subject.id);
      case 'TOKEN':
        return this.tokens.get(subject.id);
      default:
        return undefined;
    }
  }

  tokenTally(userId: string, roots: readonly SubjectRef[], before: RevocationLookups, now: number): TokenTally | null {
    // A device's sessions may be several users'; a lone token is as quick to list.
    if (roots.some((r) => r.type === 'DEVICE' || r.type === 'TOKEN')) return null;
    if (roots.some((r) => this.userOf(r) !== userId)) return null;
    const idsOf = (lineage: Lineage, type: SubjectRef['type']): readonly string[] =>
      type === 'SESSION' ? lineage.sessions : type === 'GRANT' ? lineage.grants : type === 'AGENT' ? lineage.agents : [];
    const covers = (lineage: Lineage) => roots.some((root) => root.type === 'USER' || idsOf(lineage, root.type).includes(root.id));
    return this.tokens.tally(userId, covers, before, now);
  }

  descendants(subject: SubjectRef, options: { withoutTokens?: boolean } = {}): Descendants {
    const out = {
      sessions: new Map<string, SessionNode>(),
      grants: new Map<string, GrantNode>(),
      agents: new Map<string, AgentNode>(),
      tokens: new Map<string, TokenNode>(),
    };
    const withTokens = !options.withoutTokens;
    const visitTokens = (slots: Iterable<number>) => {
      for (const slot of slots) {
        const token = this.tokens.nodeAt(slot);
        if (!out.tokens.has(token.id)) out.tokens.set(token.id, token);
      }
    };
    const visit = (kind: 'session' | 'grant' | 'agent' | 'token', id: string): void => {
      if (kind === 'token') {
        const token = this.tokens.get(id);
        if (token) out.tokens.set(id, token);
        return;
      }
      const node = kind === 'session' ? this.sessions.get(id) : kind === 'grant' ? this.grants.get(id) : this.agents.get(id);
      const seen = kind === 'session' ? out.sessions : kind === 'grant' ? out.grants : out.agents;
      if (!node || seen.has(id)) return;
      (seen as Map<string, typeof node>).set(id, node);
      const key = `${kind}:${id}`;
      const children = this.children.get(key);
      if (children) {
        for (const child of children.sessions) visit('session', child);
        for (const child of children.grants) visit('grant', child);
        for (const child of children.agents) visit('agent', child);
      }
      if (withTokens) visitTokens(this.tokens.slotsUnder(key));
    };
    switch (subject.type) {
      case 'USER': {
        const user = this.users.get(subject.id);
        for (const id of user?.sessions ?? []) visit('session', id);
        for (const id of user?.grants ?? []) visit('grant', id);
        for (const id of user?.agents ?? []) visit('agent', id);
        if (withTokens) visitTokens(this.tokens.slotsOfUser(subject.id));
        break;
      }
      case 'DEVICE':
        for (const id of this.devices.get(subject.id)?.sessions ?? []) visit('session', id);
        break;
      default:
        visit(subject.type.toLowerCase() as 'session' | 'grant' | 'agent' | 'token', subject.id);
    }
    return {
      sessions: [...out.sessions.values()],
      grants: [...out.grants.values()],
      agents: [...out.agents.values()],
      tokens: [...out.tokens.values()],
    };
  }

  /** Nearest-first chain of nodes a subject derives from. */
  ancestors(subject: SubjectRef): SubjectRef[] {
    const lineage = this.lineageOf(subject);
    if (!lineage) return [];
    const own = subject.type === 'SESSION' ? 1 : 0;
    return [
      ...lineage.sessions.slice(own).map((id) => ({ type: 'SESSION' as const, id })),
      ...lineage.agents.filter((id) => !(subject.type === 'AGENT' && id === subject.id)).map((id) => ({ type: 'AGENT' as const, id })),
      ...lineage.grants.filter((id) => !(subject.type === 'GRANT' && id === subject.id)).map((id) => ({ type: 'GRANT' as const, id })),
      ...(lineage.deviceId ? [{ type: 'DEVICE' as const, id: lineage.deviceId }] : []),
    ];
  }

  private lineageOf(subject: SubjectRef) {
    switch (subject.type) {
      case 'SESSION': {
        const s = this.sessions.get(subject.id);
        return s ? { sessions: [s.id, ...s.ancestors], agents: [], grants: [], deviceId: s.deviceId } : null;
      }
      case 'TOKEN':
        return this.tokens.get(subject.id)?.lineage ?? null;
      case 'AGENT':
      case 'GRANT': {
        const node = this.node(subject);
        return node ? lineageOfNode(node) : null;
      }
      default:
        return null;
    }
  }
}
