import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent, EventData } from '@killswitch/schemas';
import { auditEntry, GENESIS_HASH, verifyChain, type AuditEntry } from '../audit-trail/projection.ts';
import type { DurableProjection, DurableWriter } from '../durable/read-model-db.ts';
import type { AsOf } from '../session-inventory/durable.ts';
import { terminationStatus, type TerminationRecord } from './projection.ts';

/**
 * Terminations on disk, with their whole history and the audit trail:
 * - `termination_history`: every fact about a termination (request, revocations, application,
 *   propagation per enforcer, receipts, agent cancellations), stamped in both clocks. The status
 *   of a termination as of an instant is its rows up to it, evolved by the live projection's code.
 * - `terminations`: one row per termination, indexed by time, for lists and filters.
 * - `audit_entries`: the hash-chained audit trail, one row per applied termination, computed by
 *   the same function as the in-memory trail.
 */
export const TERMINATION_MIGRATIONS = [
  `CREATE TABLE termination_history (
     position       INTEGER PRIMARY KEY,
     tenant         TEXT    NOT NULL,
     termination_id TEXT    NOT NULL,
     recorded_at    INTEGER NOT NULL,
     event_time     INTEGER NOT NULL,
     type           TEXT    NOT NULL,
     actor          TEXT    NOT NULL,
     correlation_id TEXT    NOT NULL,
     data           TEXT    NOT NULL
   );
   CREATE INDEX termination_history_by_id ON termination_history (tenant, termination_id, position);
   CREATE TABLE terminations (
     tenant           TEXT    NOT NULL,
     termination_id   TEXT    NOT NULL,
     position         INTEGER NOT NULL,
     recorded_at      INTEGER NOT NULL,
     event_time       INTEGER NOT NULL,
     source           TEXT    NOT NULL,
     scope            TEXT    NOT NULL,
     target_type      TEXT    NOT NULL,
     target_id        TEXT    NOT NULL,
     user_id          TEXT,
     applied_position INTEGER,
     applied_at       INTEGER,
     PRIMARY KEY (tenant, termination_id)
   ) WITHOUT ROWID;
   CREATE INDEX terminations_by_time ON terminations (tenant, recorded_at, termination_id);
   CREATE INDEX terminations_by_user ON terminations (tenant, user_id, position);
   CREATE TABLE audit_entries (
     tenant         TEXT    NOT NULL,
     sequence       INTEGER NOT NULL,
     position       INTEGER NOT NULL,
     recorded_at    INTEGER NOT NULL,
     termination_id TEXT    NOT NULL,
     hash           TEXT    NOT NULL,
     entry          TEXT    NOT NULL,
     PRIMARY KEY (tenant, sequence)
   ) WITHOUT ROWID;
   CREATE INDEX audit_entries_by_time ON audit_entries (tenant, recorded_at);`,
  // Refused presentations of revoked credentials, by credential: attempts per node, as of any moment.
  `CREATE TABLE presented_credentials (
     position       INTEGER PRIMARY KEY,
     tenant         TEXT    NOT NULL,
     credential_key TEXT    NOT NULL,
     source         TEXT    NOT NULL,
     recorded_at    INTEGER NOT NULL,
     event_time     INTEGER NOT NULL,
     count          INTEGER NOT NULL,
     last_at        INTEGER NOT NULL
   );
   CREATE INDEX presented_credentials_by_key ON presented_credentials (tenant, credential_key, position);`,
  // A termination's audit entry, for its evidence bundle.
  `CREATE INDEX audit_entries_by_termination ON audit_entries (tenant, termination_id);`,
] as const;

const TERMINATION_EVENTS = new Set<DomainEvent['type']>([
  'TerminationRequested',
  'SubjectRevoked',
  'TerminationApplied',
  'TerminationPropagated',
  'TerminationPropagationCompleted',
  'ReceiptDelivered',
  'ReceiptDeliveryFailed',
  'AgentTaskCancelled',
  'AgentTaskCancellationFailed',
  'RevokedCredentialPresented',
]);

/** The source's own time of a termination fact: the IdP's, the enforcer's or the reactor's; the ledger's otherwise. */
function eventTime(recorded: RecordedEvent): number {
  const data = recorded.event.data as unknown as Record<string, unknown>;
  const own =
    data.idpEventTime ??
    recorded.metadata.idpEventTime ??
    data.appliedAt ??
    data.deliveredAt ??
    data.failedAt ??
    data.cancelledAt ??
    data.lastAt;
  return typeof own === 'number' ? own : recorded.recordedAt;
}

function prepare(db: Database.Database): DurableWriter {
  const history = db.prepare(`INSERT OR IGNORE INTO termination_history
    (position, tenant, termination_id, recorded_at, event_time, type, actor, correlation_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const requested = db.prepare(`INSERT OR IGNORE INTO terminations
    (tenant, termination_id, position, recorded_at, event_time, source, scope, target_type, target_id, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const request = db.prepare(
    "SELECT actor, data FROM termination_history WHERE tenant = ? AND termination_id = ? AND type = 'TerminationRequested' ORDER BY position LIMIT 1",
  );
  const applied = db.prepare(
    'UPDATE terminations SET applied_position = ?, applied_at = ? WHERE tenant = ? AND termination_id = ? AND applied_position IS NULL',
  );
  const presented = db.prepare(`INSERT OR IGNORE INTO presented_credentials
    (position, tenant, credential_key, source, recorded_at, event_time, count, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const lastEntry = db.prepare('SELECT sequence, hash FROM audit_entries WHERE tenant = ? ORDER BY sequence DESC LIMIT 1');
  const entry = db.prepare(
    'INSERT INTO audit_entries (tenant, sequence, position, recorded_at, termination_id, hash, entry) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    apply(recorded) {
      if (!TERMINATION_EVENTS.has(recorded.event.type)) return;
      const { tenant, actor, correlationId } = recorded.metadata;
      const data = recorded.event.data as { terminationId: string };
      const time = eventTime(recorded);
      history.run(
        recorded.position,
        tenant,
        data.terminationId,
        recorded.recordedAt,
        time,
        recorded.event.type,
        actor,
        correlationId,
        JSON.stringify(data),
      );
      if (recorded.event.type === 'RevokedCredentialPresented') {
        const p = recorded.event.data;
        presented.run(
          recorded.position,
          tenant,
          `${p.credentialType}:${p.credentialId}`,
          p.source,
          recorded.recordedAt,
          time,
          p.count,
          p.lastAt,
        );
      } else if (recorded.event.type === 'TerminationRequested') {
        const r = recorded.event.data;
        requested.run(
          tenant,
          r.terminationId,
          recorded.position,
          recorded.recordedAt,
          time,
          r.source,
          r.scope,
          r.target.type,
          r.target.id,
          r.userId,
        );
      } else if (recorded.event.type === 'TerminationApplied') {
        // The audit trail takes a termination once, when first applied, and only if its request is known.
        const req = request.get(tenant, data.terminationId) as { actor: string; data: string } | undefined;
        if (!req || applied.run(recorded.position, recorded.recordedAt, tenant, data.terminationId).changes === 0) return;
        const previous = lastEntry.get(tenant) as { sequence: number; hash: string } | undefined;
        const made = auditEntry(
          { data: JSON.parse(req.data) as EventData<'TerminationRequested'>, actor: req.actor },
          recorded.position,
          recorded.recordedAt,
          recorded.event.data,
          previous,
        );
        entry.run(tenant, made.sequence, made.position, made.recordedAt, made.terminationId, made.hash, JSON.stringify(made));
      }
    },
  };
}

export const durableTerminations: DurableProjection = { name: 'terminations', migrations: TERMINATION_MIGRATIONS, prepare };

const CLOCK_COLUMN = { position: 'position', recorded: 'recorded_at', event: 'event_time' } as const;

export interface TerminationFilter {
  /** Requested at or after / before (recorded time, epoch ms). */
  readonly from?: number;
  readonly to?: number;
  readonly source?: string;
  readonly scope?: string;
  readonly userId?: string;
  /** Cursor: the last (recorded time, termination id) of the previous page. */
  readonly after?: { recordedAt: number; terminationId: string };
  readonly limit: number;
}

export interface TerminationListItem {
  terminationId: string;
  position: number;
  recordedAt: number;
  eventTime: number;
  source: string;
  scope: string;
  target: { type: string; id: string };
  userId: string | null;
  appliedPosition: number | null;
  appliedAt: number | null;
}

interface TerminationRow {
  termination_id: string;
  position: number;
  recorded_at: number;
  event_time: number;
  source: string;
  scope: string;
  target_type: string;
  target_id: string;
  user_id: string | null;
  applied_position: number | null;
  applied_at: number | null;
}

/** Reads of the durable terminations: index lookups by tenant and termination, time or sequence. */
export class TerminationHistory {
  private readonly rows = new Map<AsOf['clock'], Database.Statement>();
  private readonly presented = new Map<AsOf['clock'], Database.Statement>();
  private readonly entries: Database.Statement;
  private readonly entryCount: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.entries = db.prepare('SELECT entry FROM audit_entries WHERE tenant = ? AND sequence > ? ORDER BY sequence LIMIT ?');
    this.entryCount = db.prepare('SELECT count(*) AS n FROM audit_entries WHERE tenant = ?');
  }

  /** A termination's status as it stood at the instant (undefined: not requested yet, or unknown). */
  statusAsOf(tenant: string, terminationId: string, asOf: AsOf): TerminationRecord | undefined {
    let statement = this.rows.get(asOf.clock);
    if (!statement) {
      statement = this.db.prepare(
        `SELECT position, recorded_at, type, actor, correlation_id, data FROM termination_history
         WHERE tenant = ? AND termination_id = ? AND ${CLOCK_COLUMN[asOf.clock]} <= ? ORDER BY position`,
      );
      this.rows.set(asOf.clock, statement);
    }
    const state = terminationStatus.initialState();
    const rows = statement.all(tenant, terminationId, asOf.at) as Array<{
      position: number;
      recorded_at: number;
      type: string;
      actor: string;
      correlation_id: string;
      data: string;
    }>;
    for (const row of rows) {
      const recorded = {
        position: row.position,
        recordedAt: row.recorded_at,
        event: { type: row.type, data: JSON.parse(row.data) as unknown },
        metadata: { tenant, actor: row.actor, correlationId: row.correlation_id },
      } as unknown as RecordedEvent;
      terminationStatus.evolve(state, recorded);
    }
    return state.tenants.get(tenant)?.get(terminationId);
  }

  /** Terminations of a tenant in recorded-time order, filtered, one page after the cursor. */
  list(tenant: string, filter: TerminationFilter): TerminationListItem[] {
    const conditions: Array<[string, unknown[]]> = [['tenant = ?', [tenant]]];
    if (filter.from !== undefined) conditions.push(['recorded_at >= ?', [filter.from]]);
    if (filter.to !== undefined) conditions.push(['recorded_at < ?', [filter.to]]);
    if (filter.source !== undefined) conditions.push(['source = ?', [filter.source]]);
    if (filter.scope !== undefined) conditions.push(['scope = ?', [filter.scope]]);
    if (filter.userId !== undefined) conditions.push(['user_id = ?', [filter.userId]]);
    if (filter.after) conditions.push(['(recorded_at, termination_id) > (?, ?)', [filter.after.recordedAt, filter.after.terminationId]]);
    const where = conditions.map(([sql]) => sql);
    const args = conditions.flatMap(([, values]) => values);
    // A user's terminations by the user's index (then sorted: a user has few); without statistics
    // SQLite would walk the tenant's terminations in time order, testing each one's user.
    const index = filter.userId !== undefined ? 'INDEXED BY terminations_by_user ' : '';
    const rows = this.db
      .prepare(`SELECT * FROM terminations ${index}WHERE ${where.join(' AND ')} ORDER BY recorded_at, termination_id LIMIT ?`)
      .all(...args, filter.limit) as TerminationRow[];
    return rows.map((r) => ({
      terminationId: r.termination_id,
      position: r.position,
      recordedAt: r.recorded_at,
      eventTime: r.event_time,
      source: r.source,
      scope: r.scope,
      target: { type: r.target_type, id: r.target_id },
      userId: r.user_id,
      appliedPosition: r.applied_position,
      appliedAt: r.applied_at,
    }));
  }

  /** Audit entries after a sequence number, in order. */
  auditEntries(tenant: string, afterSequence: number, limit: number): AuditEntry[] {
    return (this.entries.all(tenant, afterSequence, limit) as Array<{ entry: string }>).map((r) => JSON.parse(r.entry) as AuditEntry);
  }

  /** Verifies the tenant's whole chain page by page (constant memory); the first broken sequence number if any. */
  verifyAudit(tenant: string): ReturnType<typeof verifyChain> {
    let from = { sequence: 0, hash: GENESIS_HASH };
    for (;;) {
      const page = this.auditEntries(tenant, from.sequence, 1000);
      const verdict = verifyChain(page, from);
      const last = page[page.length - 1];
      if (!verdict.ok || !last) return verdict;
      from = { sequence: last.sequence, hash: last.hash };
    }
  }

  /** Refused presentations of credentials (`<TOKEN|SESSION|CLAIMS>:<id>`) up to an instant, per source: those with any, by key. */
  attemptsAsOf(
    tenant: string,
    credentialKeys: readonly string[],
    asOf: AsOf,
  ): Map<string, { count: number; lastAt: number; sources: Record<string, number> }> {
    let statement = this.presented.get(asOf.clock);
    if (!statement) {
      // One statement for every key (a blast radius lists thousands): each key is still an index lookup.
      statement = this.db.prepare(
        `SELECT credential_key AS key, source, sum(count) AS n, max(last_at) AS last FROM presented_credentials
         WHERE tenant = ? AND credential_key IN (SELECT value FROM json_each(?)) AND ${CLOCK_COLUMN[asOf.clock]} <= ?
         GROUP BY credential_key, source`,
      );
      this.presented.set(asOf.clock, statement);
    }
    const found = new Map<string, { count: number; lastAt: number; sources: Record<string, number> }>();
    if (credentialKeys.length === 0) return found;
    const rows = statement.all(tenant, JSON.stringify(credentialKeys), asOf.at) as Array<{
      key: string;
      source: string;
      n: number;
      last: number;
    }>;
    for (const row of rows) {
      let attempts = found.get(row.key);
      if (!attempts) found.set(row.key, (attempts = { count: 0, lastAt: row.last, sources: {} }));
      attempts.count += row.n;
      attempts.lastAt = Math.max(attempts.lastAt, row.last);
      attempts.sources[row.source] = row.n;
    }
    return found;
  }

  /** The first audit entry recorded at or after an instant (where a time-range export starts). */
  firstAuditSequenceFrom(tenant: string, from: number): number | null {
    const row = this.db.prepare('SELECT min(sequence) AS s FROM audit_entries WHERE tenant = ? AND recorded_at >= ?').get(tenant, from) as {
      s: number | null;
    };
    return row.s;
  }

  auditEntryOf(tenant: string, terminationId: string): AuditEntry | undefined {
    const row = this.db
      .prepare('SELECT entry FROM audit_entries INDEXED BY audit_entries_by_termination WHERE tenant = ? AND termination_id = ?')
      .get(tenant, terminationId) as { entry: string } | undefined;
    return row ? (JSON.parse(row.entry) as AuditEntry) : undefined;
  }

  auditCount(tenant: string): number {
    return (this.entryCount.get(tenant) as { n: number }).n;
  }
}
