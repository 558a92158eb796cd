import { createHash, randomUUID } from 'node:crypto';
import { decideTermination, DomainError, streamId, summarizeTermination, type SubjectRef } from '@killswitch/domain';
import { WrongExpectedVersion, type AppendRequest, type AppendResult } from '@killswitch/event-store';
import {
  AccountsHistory,
  blastRadius,
  checkClaims,
  checkSession,
  checkToken,
  revocationStatus,
  sessionGraph,
  GraphHistory,
  InventoryQueries,
  TenantGraph,
  terminationStatus,
  TerminationHistory,
  type CheckClaims,
  type CredentialAttempts,
  type CheckResult,
  type AsOf,
  type InventoryEntry,
  type TerminationFilter,
  type TerminationListItem,
  type TerminationRecord,
} from '@killswitch/projections';
import type { DomainEvent, EventData } from '@killswitch/schemas';
import type { Fact } from './facts.ts';
import { coverageOf } from './coverage.ts';
import { PresentationLog } from './presentations.ts';
import { planFacts, toAppendRequests } from './ingest.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { BatchQueue, type Settled } from './batch-queue.ts';
import { LineageResolver } from './lineage-resolver.ts';
import { metadataFor, type Caller, type LedgerDeps } from './context.ts';

export interface IngestOutcome {
  accepted: number;
  unchanged: number;
  position: number;
}

export interface TerminationInput {
  scope: EventData<'TerminationRequested'>['scope'];
  target: SubjectRef;
  reason: string;
  /** Identity of the message that asked, for idempotency: the same identity is applied once. */
  messageIdentity?: { issuer: string | null; messageId: string } | undefined;
  messageDigest?: string | null;
  idpEventTime?: number | null;
  /** Session Invalidation also revokes the sessions' non-offline refresh tokens (back-channel logout). */
  revokeSessionRefreshTokens?: boolean;
  ipsieLevel?: 'SL2' | 'SL3' | undefined;
  source?: EventData<'TerminationRequested'>['source'];
  /**
   * Another append to make in the same commit as the kill (the IdP message's own record), given
   * the termination's id; made only when the termination is decided now, not on a replay.
   */
  alongside?: (terminationId: string) => AppendRequest;
}

export interface TerminationOutcome {
  replayed: boolean;
  record: TerminationRecord;
  /** Command in → kill durable and applied to the check index; → receipt recorded. Absent on replays. */
  timings?: { killMs: number; receiptMs: number };
  /** The `alongside` append: true if written, false if its stream already existed, absent if not made. */
  alongside?: boolean;
}

interface TerminationJob {
  readonly caller: Caller;
  readonly input: TerminationInput;
}

/** A termination's receipt: what its marks end, summarised on `graph` (its own marks set aside), recorded by the ledger. */
function receiptEvent(
  tenant: string,
  terminationId: string,
  request: EventData<'TerminationRequested'>,
  marks: ReadonlyArray<EventData<'SubjectRevoked'>>,
  graph: TenantGraph,
  by: { readonly correlationId: string; readonly actor: string },
) {
  return {
    event: { type: 'TerminationApplied' as const, data: summarizeTermination({ ...request, userId: request.userId ?? '' }, marks, graph) },
    metadata: {
      tenant,
      correlationId: by.correlationId,
      causationId: terminationId,
      actor: by.actor,
      source: 'ledger',
      idpEventTime: null,
    },
  };
}

/** The ledger's use cases. HTTP routes, the CLI and protocol endpoints all go through here. */
export interface SearchResult {
  readonly type: SubjectRef['type'];
  readonly id: string;
  readonly userIds: string[];
  readonly matched: string;
}

export class Ledger {
  private readonly mutex = new KeyedMutex();
  private readonly terminationQueue = new BatchQueue<TerminationJob, TerminationOutcome>(
    this.mutex,
    (tenant, jobs) => this.terminateBatch(tenant, jobs),
    (tenant, jobs) => this.independentTerminations(tenant, jobs),
  );
  readonly inventory: InventoryQueries;
  readonly history: GraphHistory;
  readonly terminations: TerminationHistory;
  readonly accountsHistory: AccountsHistory;
  /** Refusals of credentials that terminations ended (reuse after revocation). */
  readonly presentations: PresentationLog;

  constructor(readonly deps: LedgerDeps) {
    this.inventory = new InventoryQueries(deps.readModels.reader.db);
    this.history = new GraphHistory(deps.readModels.reader.db);
    this.terminations = new TerminationHistory(deps.readModels.reader.db);
    this.accountsHistory = new AccountsHistory(deps.readModels.reader.db);
    this.presentations = new PresentationLog(deps.store, deps.now);
  }

  private graph(tenant: string): TenantGraph | undefined {
    return this.deps.host.state(sessionGraph).tenants.get(tenant);
  }

  async ingest(caller: Caller, facts: readonly Fact[]): Promise<IngestOutcome> {
    return this.mutex.run(caller.tenant, async () => {
      const graph = this.graph(caller.tenant);
      const resolver = new LineageResolver(
        graph,
        (_user, session) => graph?.lastActivity.get(session),
        (kind, id) => this.history.createdNode(caller.tenant, kind, id),
      );
      const planned = planFacts(facts, resolver, caller.tenant, this.deps.now(), this.deps.activityCoalesceMs);
      const requests = toAppendRequests(planned, metadataFor(caller));
      const outcomes = requests.length > 0 ? await this.deps.store.appendMany(requests) : [];
      const written = outcomes.filter((o): o is AppendResult => !(o instanceof WrongExpectedVersion));
      const position = Math.max(0, ...written.map((o) => o.position));
      await this.deps.host.waitFor(position);
      return { accepted: written.length, unchanged: facts.length - written.length, position };
    });
  }

  /**
   * One append to the termination's own stream: the request, its marks (effective as soon as they
   * are durable) and the receipt of what they end. A device's receipt follows in a second append;
   * a crash between the two is completed on restart (`completePending`) or on the message's replay.
   *
   * Concurrent terminations of one tenant are decided one after the other on the same view and
   * written together (one durable write for their kills and receipts), as long as they
   * concern different users: two terminations that could end the same node never share a batch.
   */
  async terminate(caller: Caller, input: TerminationInput): Promise<TerminationOutcome> {
    return this.terminationQueue.submit(caller.tenant, { caller, input });
  }

  /** Which queued terminations may be decided together: at most one per user (a device's alone). */
  private independentTerminations(tenant: string, jobs: readonly TerminationJob[]): number[] {
    const graph = this.graph(tenant);
    const owners = new Set<string>();
    const chosen: number[] = [];
    for (const [i, { input }] of jobs.entries()) {
      const { target } = input;
      if (target.type === 'DEVICE') {
        if (chosen.length === 0) chosen.push(i);
        break; // a device's sessions may belong to several users
      }
      const owner = graph?.userOf(target) ?? `${target.type}:${target.id}`;
      if (owners.has(owner)) continue;
      owners.add(owner);
      chosen.push(i);
    }
    return chosen;
  }

  private async terminateBatch(
    tenant: string,
    jobs: readonly TerminationJob[],
  ): Promise<Array<Settled<TerminationOutcome | Promise<TerminationOutcome>>>> {
    const started = performance.now();
    const graph = this.graph(tenant) ?? new TenantGraph();
    const settled: Array<Settled<TerminationOutcome | Promise<TerminationOutcome>> | undefined> = [];
    const kills: Array<{ index: number; request: AppendRequest }> = [];
    const alongside: Array<{ index: number; request: AppendRequest }> = [];
    const ids = jobs.map(({ caller, input }) => terminationIdFor(caller, input));
    const views = await Promise.all(jobs.map(({ input }) => this.viewOf(tenant, graph, input.target)));
    const replayed = new Set<number>();
    for (const [index, { caller, input }] of jobs.entries()) {
      const terminationId = ids[index] as string;
      if (this.termination(tenant, terminationId)) {
        replayed.add(index);
        continue;
      }
      try {
        const view = views[index] as TenantGraph;
        const events = decideTermination({ type: 'RequestTermination', data: this.requestData(caller, input, terminationId) }, view);
        const metadata = metadataFor(caller, input.idpEventTime ?? null);
        const receipt = input.target.type === 'DEVICE' ? [] : [this.receiptOf(tenant, terminationId, caller, events, view)];
        kills.push({
          index,
          request: {
            streamId: streamId.termination(tenant, terminationId),
            expected: 'no_stream', // the message's identity is applied once, ever
            events: [...events.map((event) => ({ event, metadata })), ...receipt],
          },
        });
        if (input.alongside) alongside.push({ index, request: input.alongside(terminationId) });
      } catch (error) {
        settled[index] = { ok: false, error };
      }
    }
    const written = new Map<number, boolean>();
    if (kills.length > 0) {
      const outcomes = await this.deps.store.appendMany([...kills, ...alongside].map((k) => k.request));
      // A conflict: another process applied the same message first.
      kills.forEach((k, i) => outcomes[i] instanceof WrongExpectedVersion && replayed.add(k.index));
      alongside.forEach((a, i) => written.set(a.index, !(outcomes[kills.length + i] instanceof WrongExpectedVersion)));
      await this.waitForAll(outcomes);
    }
    const killMs = performance.now() - started;
    const decided = jobs.flatMap((_, index) => (settled[index] ? [] : [index]));
    // Receipts not written with their kill (a device's, a replay's) are summarised now, on the view
    // right after these kills (the call runs up to its append synchronously); they are written
    // while the tenant's next batch is decided.
    const receipts = this.completeReceipts(
      tenant,
      decided.map((index) => this.termination(tenant, ids[index] as string) as TerminationRecord),
    );
    decided.forEach((index, i) => {
      settled[index] = {
        ok: true,
        value: receipts.then((records) => {
          const record = records[i] as TerminationRecord;
          const together = written.has(index) ? { alongside: written.get(index) as boolean } : {};
          if (replayed.has(index)) return { replayed: true, record, ...together };
          return { replayed: false, record, timings: { killMs, receiptMs: performance.now() - started }, ...together };
        }),
      };
    });
    return settled as Array<Settled<TerminationOutcome | Promise<TerminationOutcome>>>;
  }

  /**
   * The receipt of a termination still being decided, written in the same commit as its kill: the
   * graph before the kill is the view the receipt is computed on anyway (its own marks set aside),
   * so one commit and one projection pass instead of two. A device's sessions may be many users'
   * with no token tally, so its receipt follows the kill instead (`completeReceipts`).
   */
  private receiptOf(tenant: string, terminationId: string, caller: Caller, events: readonly DomainEvent[], graph: TenantGraph) {
    const [requested, ...marks] = events as [
      Extract<DomainEvent, { type: 'TerminationRequested' }>,
      ...Array<Extract<DomainEvent, { type: 'SubjectRevoked' }>>,
    ];
    return receiptEvent(
      tenant,
      terminationId,
      requested.data,
      marks.map((m) => m.data),
      graph,
      caller,
    );
  }

  /** Waits until the projections have applied every append (the head, where one conflicted). */
  private async waitForAll(outcomes: ReadonlyArray<AppendResult | WrongExpectedVersion>): Promise<void> {
    const conflicted = outcomes.some((o) => o instanceof WrongExpectedVersion);
    const written = outcomes.filter((o): o is AppendResult => !(o instanceof WrongExpectedVersion));
    await this.deps.host.waitFor(conflicted ? await this.deps.store.headPosition() : Math.max(0, ...written.map((o) => o.position)));
  }

  private requestData(caller: Caller, input: TerminationInput, terminationId: string): EventData<'TerminationRequested'> {
    return {
      terminationId,
      scope: input.scope,
      target: input.target,
      userId: null,
      reason: input.reason,
      source: input.source ?? 'API',
      issuer: input.messageIdentity?.issuer ?? null,
      messageId: input.messageIdentity?.messageId ?? null,
      messageDigest: input.messageDigest ?? null,
      idpEventTime: input.idpEventTime ?? null,
      ipsieLevel: input.ipsieLevel ?? this.deps.ipsieLevel(caller.tenant),
      revokeOnlineGrants: input.revokeSessionRefreshTokens ?? false, // the event's field, named before v1 was frozen
      requestedAt: this.deps.now(),
    };
  }

  /** Appends, in one write, the receipts of terminations whose kill is recorded but whose receipt is not. */
  private async completeReceipts(tenant: string, records: readonly TerminationRecord[]): Promise<TerminationRecord[]> {
    const graph = this.graph(tenant) ?? new TenantGraph();
    const open = records.filter((record, i) => !record.applied && records.indexOf(record) === i);
    if (open.length > 0) {
      const outcomes = await this.deps.store.appendMany(
        open.map((record) => ({
          streamId: streamId.termination(tenant, record.terminationId),
          expected: record.revoked.length, // Requested + marks: nothing else may have been written
          events: [receiptEvent(tenant, record.terminationId, record.request, record.revoked, graph, record)],
        })),
      );
      await this.waitForAll(outcomes);
    }
    return records.map((record) => this.termination(tenant, record.terminationId) as TerminationRecord);
  }

  /** At start-up: finishes the receipts of terminations interrupted between kill and receipt. */
  async completePending(): Promise<number> {
    let completed = 0;
    for (const [tenant, records] of this.deps.host.state(terminationStatus).tenants) {
      for (const record of records.values()) {
        if (record.applied) continue;
        await this.mutex.run(tenant, () => this.completeReceipts(tenant, [record]));
        completed += 1;
      }
    }
    return completed;
  }

  /** Records an account lifecycle transition (OP Commands) on the user's own stream. */
  async changeAccountState(
    tenant: string,
    userId: string,
    from: string,
    to: string,
    command: string,
    issuer: string,
    idpSubject: string,
  ): Promise<void> {
    const result = await this.deps.store.append({
      streamId: `user-${tenant}:${userId}`,
      expected: 'any',
      events: [
        {
          event: {
            type: 'AccountStateChanged',
            data: { userId, previousState: from as never, state: to as never, command, issuer, idpSubject, changedAt: this.deps.now() },
          },
          metadata: {
            tenant,
            correlationId: `op-commands:${command}`,
            causationId: null,
            actor: `idp:${issuer}`,
            source: 'op-commands',
            idpEventTime: null,
          },
        },
      ],
    });
    await this.deps.host.waitFor(result.position);
  }

  termination(tenant: string, terminationId: string): TerminationRecord | undefined {
    return this.deps.host.state(terminationStatus).tenants.get(tenant)?.get(terminationId);
  }

  checkToken(tenant: string, tokenId: string): CheckResult {
    return checkToken(this.index(tenant), tokenId, this.deps.now());
  }

  checkClaims(tenant: string, claims: CheckClaims): CheckResult {
    return checkClaims(this.index(tenant), claims, this.deps.now());
  }

  checkSession(tenant: string, sessionId: string): CheckResult {
    return checkSession(this.index(tenant), sessionId, this.deps.now());
  }

  tokenRecord(tenant: string, tokenId: string) {
    return this.index(tenant)?.tokens.get(tokenId);
  }

  /** A user's sessions from the durable inventory, once it has what the ledger has applied (own writes included). */
  async sessionsOf(tenant: string, userId: string, asOf?: AsOf): Promise<InventoryEntry[]> {
    await this.durableCaughtUp();
    return asOf ? this.inventory.sessionsAsOf(tenant, userId, asOf) : this.inventory.sessionsOf(tenant, userId);
  }

  /** Durable reads wait until the read-model writer has committed what the in-memory projections have applied. */
  durableCaughtUp(): Promise<void> {
    return this.deps.readModels.caughtUp(this.deps.host.position);
  }

  /** Did a termination reach every node of its target and every live enforcer, and what is still exposed. */
  coverage(tenant: string, terminationId: string) {
    const record = this.termination(tenant, terminationId);
    return record ? coverageOf(record, this.graph(tenant), this.deps.now()) : undefined;
  }

  /**
   * The graph a termination of `target` is decided on: the live one, or for a session, agent, grant
   * or device it has let go (ended, nothing live under it), its users' graph from the durable history.
   */
  private async viewOf(tenant: string, graph: TenantGraph, target: SubjectRef): Promise<TenantGraph> {
    if (target.type === 'USER' || target.type === 'TOKEN' || graph.userOf(target) !== null) return graph;
    await this.durableCaughtUp();
    const users = this.history.usersOf(tenant, target);
    return users.length > 0 ? this.history.graphAsOf(tenant, users, { clock: 'recorded', at: this.deps.now() }) : graph;
  }

  /** The live blast radius of a node; one the live graph has let go (it ended) is read from the durable history, as of now. */
  async blastRadiusNow(tenant: string, subject: SubjectRef) {
    const live = this.blastRadius(tenant, subject);
    if (live || subject.type === 'USER') return live;
    return this.blastRadiusAsOf(tenant, subject, { clock: 'recorded', at: this.deps.now() });
  }

  blastRadius(tenant: string, subject: SubjectRef) {
    const graph = this.graph(tenant);
    const radius = graph ? blastRadius(graph, subject, this.deps.now()) : null;
    const byCredential = this.deps.host.state(terminationStatus).attemptsByCredential.get(tenant);
    const lookup = (keys: readonly string[]) => {
      const found = new Map<string, CredentialAttempts>();
      for (const key of keys) {
        const attempts = byCredential?.get(key);
        if (attempts) found.set(key, attempts);
      }
      return found;
    };
    return radius && { ...radius, attemptsAfterRevocation: attemptsOn(radius, lookup) };
  }

  /**
   * The blast radius of a node as it stood at an instant (or store position), from the graph's
   * durable history: the owning user's rows up to then, evolved as the live graph was.
   */
  async blastRadiusAsOf(tenant: string, subject: SubjectRef, asOf: AsOf) {
    await this.durableCaughtUp();
    const users = this.history.usersOf(tenant, subject);
    if (users.length === 0) return null;
    const graph = this.history.graphAsOf(tenant, users, asOf);
    const radius = blastRadius(graph, subject, await this.instantOf(asOf));
    return (
      radius && { ...radius, attemptsAfterRevocation: attemptsOn(radius, (keys) => this.terminations.attemptsAsOf(tenant, keys, asOf)) }
    );
  }

  /** The wall-clock instant an as-of query evaluates expiry at (a position's is its recorded time). */
  private async instantOf(asOf: AsOf): Promise<number> {
    if (asOf.clock !== 'position') return asOf.at;
    if (asOf.at <= 0) return 0;
    const [event] = await this.deps.store.readAll({ after: asOf.at - 1, maxCount: 1 });
    return event && event.position <= asOf.at ? event.recordedAt : this.deps.now();
  }

  /** A termination's status as it stood at an instant or position, from its durable history. */
  async terminationAsOf(tenant: string, terminationId: string, asOf: AsOf): Promise<TerminationRecord | undefined> {
    await this.durableCaughtUp();
    return this.terminations.statusAsOf(tenant, terminationId, asOf);
  }

  /**
   * Finds what a SOC analyst typed: a user by RP user id, email, phone or IdP subject (under each
   * of `issuers`); a session, grant, agent, token or device by id. Index lookups only.
   */
  async search(tenant: string, query: string, issuers: readonly string[]): Promise<SearchResult[]> {
    await this.durableCaughtUp();
    const results = new Map<string, SearchResult>();
    const add = (type: SearchResult['type'], id: string, userIds: string[], matched: string) => {
      const key = `${type}:${id}`;
      if (!results.has(key) && userIds.length > 0) results.set(key, { type, id, userIds, matched });
    };
    for (const type of ['USER', 'SESSION', 'GRANT', 'AGENT', 'TOKEN', 'DEVICE'] as const)
      add(type, query, this.history.usersOf(tenant, { type, id: query }), `${type.toLowerCase()} id`);
    const keys: Array<[string, string]> = [
      [`email:${query.toLowerCase()}`, 'email'],
      [`email:${query}`, 'email'],
      [`phone_number:${query}`, 'phone number'],
      [`opaque:${query}`, 'opaque identifier'],
      ...issuers.map((issuer): [string, string] => [`iss_sub:${issuer} ${query}`, `IdP subject at ${issuer}`]),
      [query, 'identifier'],
    ];
    for (const [key, matched] of keys)
      for (const found of this.accountsHistory.identified(tenant, key))
        add(
          found.kind,
          found.id,
          found.kind === 'USER' ? [found.id] : this.history.usersOf(tenant, { type: 'DEVICE', id: found.id }),
          matched,
        );
    return [...results.values()];
  }

  /** A page of the tenant's terminations (durable, by recorded time). */
  async listTerminations(tenant: string, filter: TerminationFilter): Promise<TerminationListItem[]> {
    await this.durableCaughtUp();
    return this.terminations.list(tenant, filter);
  }

  /** A page of the durable audit trail, its size, and the verification of the whole chain. */
  async auditPage(tenant: string, afterSequence: number, limit: number) {
    await this.durableCaughtUp();
    return {
      entries: this.terminations.auditEntries(tenant, afterSequence, limit),
      total: this.terminations.auditCount(tenant),
      verification: this.terminations.verifyAudit(tenant),
    };
  }

  private index(tenant: string) {
    return this.deps.host.state(revocationStatus).tenants.get(tenant);
  }

  /**
   * Where a tenant's revocation feed stands: its latest event's position, how many feed events it
   * has had up to there, and how far the hot projections have read.
   */
  feedPositions(tenant: string): { latest: number; count: number; projected: number } {
    const index = this.index(tenant);
    return { latest: index?.feedPosition ?? 0, count: index?.feedCount ?? 0, projected: this.deps.host.position };
  }

  /** Ends one of the user's sessions, or all of them, or all but one, on the user's own request. */
  async signOut(caller: Caller, userId: string, which: { only?: string; except?: string }): Promise<TerminationRecord[]> {
    const active = (await this.sessionsOf(caller.tenant, userId)).filter((s) => s.status === 'active' || s.status === 'invalidated');
    const targets = active.filter(
      (s) => (which.only ? s.sessionId === which.only : s.sessionId !== which.except) && s.parentSessionId === null,
    );
    if (which.only && targets.length === 0) {
      const known = (await this.sessionsOf(caller.tenant, userId)).some((s) => s.sessionId === which.only);
      if (!known) throw new DomainError('ERR_UNKNOWN_TARGET', 'unknown session', 404);
    }
    const records: TerminationRecord[] = [];
    for (const session of targets) {
      const outcome = await this.terminate(caller, {
        scope: 'SESSION_SCOPED_REVOCATION',
        target: { type: 'SESSION', id: session.sessionId },
        reason: which.only
          ? 'user signed out this session'
          : which.except
            ? 'user signed out other sessions'
            : 'user signed out everywhere',
        source: 'USER',
      });
      records.push(outcome.record);
    }
    return records;
  }
}

/** Stable for a protocol message (issuer + jti) or an API idempotency key; random otherwise. */
function terminationIdFor(caller: Caller, input: TerminationInput): string {
  if (!input.messageIdentity) return randomUUID();
  const digest = createHash('sha256')
    .update(
      `${caller.tenant}\u0000${input.source ?? 'API'}\u0000${input.messageIdentity.issuer ?? ''}\u0000${input.messageIdentity.messageId}`,
    )
    .digest('base64url');
  return `t_${digest.slice(0, 32)}`;
}

/**
 * Refused presentations of revoked credentials, per node of a blast radius (the subject, its
 * sessions, agents and listed tokens): by token or session id, or by the `jti`, `sid` or
 * `agent_id` of a JWT named by its claims. `lookup` gets every credential key at once and answers
 * those with attempts.
 */
function attemptsOn(
  radius: NonNullable<ReturnType<typeof blastRadius>>,
  lookup: (keys: readonly string[]) => ReadonlyMap<string, CredentialAttempts>,
) {
  const nodes = [radius.subject, ...radius.descendants.sessions, ...radius.descendants.agents, ...radius.descendants.tokens.list];
  const keysOf = (node: { type: string; id: string }) => {
    const kinds =
      node.type === 'TOKEN'
        ? ['TOKEN', 'CLAIMS']
        : node.type === 'SESSION'
          ? ['SESSION', 'CLAIMS']
          : node.type === 'AGENT'
            ? ['CLAIMS']
            : [];
    return kinds.map((kind) => `${kind}:${node.id}`);
  };
  const attempts = lookup(nodes.flatMap(keysOf));
  const out: Array<{ type: string; id: string; count: number; lastAt: number; sources: Array<{ source: string; count: number }> }> = [];
  if (attempts.size === 0) return out;
  for (const node of nodes) {
    const found = keysOf(node)
      .map((key) => attempts.get(key))
      .filter((a) => a !== undefined);
    if (found.length === 0) continue;
    const sources: Record<string, number> = {};
    for (const a of found) for (const [source, n] of Object.entries(a.sources)) sources[source] = (sources[source] ?? 0) + n;
    out.push({
      type: node.type,
      id: node.id,
      count: found.reduce((n, a) => n + a.count, 0),
      lastAt: Math.max(...found.map((a) => a.lastAt)),
      sources: Object.keys(sources)
        .sort()
        .map((source) => ({ source, count: sources[source] as number })),
    });
  }
  return out;
}
