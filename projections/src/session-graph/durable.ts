import type Database from 'better-sqlite3';
import type { SubjectRef } from '@killswitch/domain';
import type { RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent, EventData } from '@killswitch/schemas';
import type { DurableProjection, DurableWriter } from '../durable/read-model-db.ts';
import type { AsOf } from '../session-inventory/durable.ts';
import { sessionGraph } from './projection.ts';
import { TenantGraph } from './tenant-graph.ts';

/**
 * The session graph's whole history on disk. Every fact that shapes a user's graph (sessions,
 * grants, agents, tokens, ends, revocation marks) is a row keyed by tenant, user and position,
 * stamped in both clocks: the store's (position, recorded time) and the source's own event time.
 * Nodes are indexed to their user, so "the graph of this node as of T" loads one user's rows up
 * to T by index and evolves them with the same code as the live graph: the answer as of a moment
 * is, by construction, the live answer of that moment.
 */
export const GRAPH_MIGRATIONS = [
  `CREATE TABLE graph_history (
     position    INTEGER PRIMARY KEY,
     tenant      TEXT    NOT NULL,
     user_id     TEXT    NOT NULL,
     recorded_at INTEGER NOT NULL,
     event_time  INTEGER NOT NULL,
     type        TEXT    NOT NULL,
     data        TEXT    NOT NULL
   );
   -- One index: a user's rows in store order. The time clocks filter those rows (a user's rows are read whole).
   CREATE INDEX graph_history_by_user ON graph_history (tenant, user_id, position);
   CREATE TABLE graph_nodes (
     tenant     TEXT    NOT NULL,
     kind       TEXT    NOT NULL,
     id         TEXT    NOT NULL,
     user_id    TEXT    NOT NULL,
     position   INTEGER NOT NULL,
     expires_at INTEGER,
     PRIMARY KEY (tenant, kind, id)
   ) WITHOUT ROWID;
   CREATE TABLE graph_devices (
     tenant    TEXT NOT NULL,
     device_id TEXT NOT NULL,
     user_id   TEXT NOT NULL,
     PRIMARY KEY (tenant, device_id, user_id)
   ) WITHOUT ROWID;`,
  // The history clustered by user: an as-of graph reads one range of the table instead of an index
  // range and then each row by position, and each write is one B-tree insert instead of two.
  `CREATE TABLE graph_history_v2 (
     tenant      TEXT    NOT NULL,
     user_id     TEXT    NOT NULL,
     position    INTEGER NOT NULL,
     recorded_at INTEGER NOT NULL,
     event_time  INTEGER NOT NULL,
     type        TEXT    NOT NULL,
     data        TEXT    NOT NULL,
     PRIMARY KEY (tenant, user_id, position)
   ) WITHOUT ROWID;
   INSERT INTO graph_history_v2 (tenant, user_id, position, recorded_at, event_time, type, data)
     SELECT tenant, user_id, position, recorded_at, event_time, type, data FROM graph_history ORDER BY tenant, user_id, position;
   DROP TABLE graph_history;
   ALTER TABLE graph_history_v2 RENAME TO graph_history;`,
] as const;

type GraphEvent = Extract<
  DomainEvent,
  {
    type:
      | 'SessionStarted'
      | 'SessionEnded'
      | 'GrantIssued'
      | 'AgentSpawned'
      | 'TokenMinted'
      | 'SubjectRevoked'
      | 'UserIdentityLinked'
      | 'AccountStateChanged'
      | 'AgentTaskEnded'
      | 'AgentEnded';
  }
>;

/** The user a graph event belongs to, its source time, and the node it creates (if any). */
function describe(
  recorded: RecordedEvent,
): { userId: string; eventTime: number; node?: { kind: string; id: string; expiresAt: number | null; deviceId?: string | null } } | null {
  const event = recorded.event as GraphEvent | DomainEvent;
  switch (event.type) {
    case 'SessionStarted':
      return {
        userId: event.data.userId,
        eventTime: event.data.startedAt,
        node: { kind: 'SESSION', id: event.data.sessionId, expiresAt: event.data.expiresAt, deviceId: event.data.deviceId },
      };
    case 'GrantIssued':
      return {
        userId: event.data.userId,
        eventTime: event.data.issuedAt,
        node: { kind: 'GRANT', id: event.data.grantId, expiresAt: event.data.expiresAt },
      };
    case 'AgentSpawned':
      return {
        userId: event.data.userId,
        eventTime: event.data.spawnedAt,
        node: { kind: 'AGENT', id: event.data.agentId, expiresAt: null },
      };
    case 'TokenMinted':
      return {
        userId: event.data.userId,
        eventTime: event.data.issuedAt,
        node: { kind: 'TOKEN', id: event.data.tokenId, expiresAt: event.data.expiresAt },
      };
    case 'SessionEnded':
      return { userId: event.data.userId, eventTime: event.data.endedAt };
    case 'AgentTaskEnded':
    case 'AgentEnded':
      return { userId: event.data.userId, eventTime: event.data.endedAt };
    case 'SubjectRevoked':
      // The IdP's own time for the termination when it gave one; the ledger's otherwise.
      return { userId: event.data.userId, eventTime: recorded.metadata.idpEventTime ?? event.data.at };
    case 'UserIdentityLinked':
    case 'AccountStateChanged':
      return { userId: event.data.userId, eventTime: recorded.recordedAt };
    default:
      return null;
  }
}

/**
 * Token rows are most of the history (a user's tokens outnumber everything else) and an as-of graph
 * reads them all, so a token's data is stored as a JSON array (`TokenRow`: its fields, then its
 * lineage's four parts; the user is the row's own column), a third of the object's size. Rows of
 * other types, and token rows written before this format, hold the event's data as a JSON object.
 */
export function tokenRow(d: EventData<'TokenMinted'>): string {
  const { lineage } = d;
  return JSON.stringify([
    d.tokenId,
    d.kind,
    d.format,
    d.binding,
    d.bindingThumbprint,
    d.sessionId,
    d.grantId,
    d.agentId,
    d.clientId,
    d.scope,
    d.issuedAt,
    d.expiresAt,
    lineage.sessions,
    lineage.agents,
    lineage.grants,
    lineage.deviceId,
  ]);
}

/** A graph history row's data back as the event's data. */
export function rowData(type: string, data: string, userId: string): unknown {
  const parsed = JSON.parse(data) as unknown;
  if (type !== 'TokenMinted' || !Array.isArray(parsed)) return parsed;
  const r = parsed as TokenRow;
  return {
    tokenId: r[0],
    userId,
    kind: r[1],
    format: r[2],
    binding: r[3],
    bindingThumbprint: r[4],
    sessionId: r[5],
    grantId: r[6],
    agentId: r[7],
    clientId: r[8],
    scope: r[9],
    issuedAt: r[10],
    expiresAt: r[11],
    lineage: { sessions: r[12], agents: r[13], grants: r[14], deviceId: r[15] },
  } satisfies EventData<'TokenMinted'>;
}

type TokenData = EventData<'TokenMinted'>;
type TokenRow = [
  TokenData['tokenId'],
  TokenData['kind'],
  TokenData['format'],
  TokenData['binding'],
  TokenData['bindingThumbprint'],
  TokenData['sessionId'],
  TokenData['grantId'],
  TokenData['agentId'],
  TokenData['clientId'],
  TokenData['scope'],
  TokenData['issuedAt'],
  TokenData['expiresAt'],
  string[],
  string[],
  string[],
  string | null,
];

function prepare(db: Database.Database): DurableWriter {
  const history = db.prepare(`INSERT OR IGNORE INTO graph_history (tenant, user_id, position, recorded_at, event_time, type, data)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const node = db.prepare('INSERT OR IGNORE INTO graph_nodes (tenant, kind, id, user_id, position, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const device = db.prepare('INSERT OR IGNORE INTO graph_devices (tenant, device_id, user_id) VALUES (?, ?, ?)');
  return {
    apply(recorded) {
      const described = describe(recorded);
      if (!described) return;
      const tenant = recorded.metadata.tenant;
      history.run(
        tenant,
        described.userId,
        recorded.position,
        recorded.recordedAt,
        described.eventTime,
        recorded.event.type,
        recorded.event.type === 'TokenMinted' ? tokenRow(recorded.event.data) : JSON.stringify(recorded.event.data),
      );
      const created = described.node;
      if (!created) return;
      node.run(tenant, created.kind, created.id, described.userId, recorded.position, created.expiresAt);
      if (created.deviceId) device.run(tenant, created.deviceId, described.userId);
    },
  };
}

export const durableSessionGraph: DurableProjection = { name: 'session-graph-history', migrations: GRAPH_MIGRATIONS, prepare };

const CLOCK_COLUMN = { position: 'position', recorded: 'recorded_at', event: 'event_time' } as const;

/** A history row as read for an as-of graph: position, type, data (raw, in that order). */
type HistoryRow = [position: number, type: string, data: string];

/** As-of reads of the graph's history: index lookups by tenant and user, then the live graph's own evolve. */
export class GraphHistory {
  private readonly ownerOf: Database.Statement;
  private readonly ownersOfDevice: Database.Statement;
  private readonly userKnown: Database.Statement;
  private readonly rows = new Map<AsOf['clock'], Database.Statement>();
  private readonly counts: Database.Statement;
  private readonly created: Database.Statement;
  private readonly endsAfter: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.created = db.prepare(
      `SELECT n.user_id AS userId, n.position, h.data FROM graph_nodes n
       JOIN graph_history h ON h.tenant = n.tenant AND h.user_id = n.user_id AND h.position = n.position
       WHERE n.tenant = ? AND n.kind = ? AND n.id = ?`,
    );
    this.endsAfter = db.prepare('SELECT data FROM graph_history WHERE tenant = ? AND user_id = ? AND position > ? AND type = ?');
    this.ownerOf = db.prepare('SELECT user_id FROM graph_nodes WHERE tenant = ? AND kind = ? AND id = ?');
    this.ownersOfDevice = db.prepare('SELECT user_id FROM graph_devices WHERE tenant = ? AND device_id = ?');
    this.userKnown = db.prepare('SELECT 1 FROM graph_history WHERE tenant = ? AND user_id = ? LIMIT 1');
    // Every clock reads a user's rows as one range of the table, clustered by (tenant, user, position).
    this.counts = db.prepare('SELECT kind, count(*) AS n FROM graph_nodes WHERE tenant = ? GROUP BY kind');
  }

  /** The users whose graph a subject belongs to (a device may carry several). */
  usersOf(tenant: string, subject: SubjectRef): string[] {
    switch (subject.type) {
      case 'USER':
        return this.userKnown.get(tenant, subject.id) ? [subject.id] : [];
      case 'DEVICE':
        return (this.ownersOfDevice.all(tenant, subject.id) as Array<{ user_id: string }>).map((r) => r.user_id);
      default: {
        const row = this.ownerOf.get(tenant, subject.type, subject.id) as { user_id: string } | undefined;
        return row ? [row.user_id] : [];
      }
    }
  }

  /**
   * The graph of these users as it stood at the instant: their rows up to it, in store order,
   * evolved by the live graph's own code (so nothing evicts: the as-of graph keeps what was alive then).
   */
  graphAsOf(tenant: string, userIds: readonly string[], asOf: AsOf): TenantGraph {
    const state = sessionGraph.initialState();
    let statement = this.rows.get(asOf.clock);
    if (!statement) {
      statement = this.db
        .prepare(
          `SELECT position, type, data FROM graph_history WHERE tenant = ? AND user_id = ? AND ${CLOCK_COLUMN[asOf.clock]} <= ? ORDER BY position`,
        )
        .raw(true);
      this.rows.set(asOf.clock, statement);
    }
    const events = userIds.flatMap((user) =>
      (statement.all(tenant, user, asOf.at) as HistoryRow[]).map(
        ([position, type, data]) =>
          ({
            position,
            recordedAt: 0, // the as-of graph never evicts: what had expired still shows, as "expired"
            event: { type, data: rowData(type, data, user) },
            metadata: { tenant },
          }) as unknown as RecordedEvent,
      ),
    );
    if (userIds.length > 1) events.sort((a, b) => a.position - b.position);
    for (const recorded of events) sessionGraph.evolve(state, recorded);
    return state.tenants.get(tenant) ?? new TenantGraph();
  }

  /**
   * Nodes of a kind whose id starts with `prefix`, in id order after a cursor: a range scan of the
   * primary key. `DEVICE` lists each (device, user) pair.
   */
  listNodes(
    tenant: string,
    kind: 'SESSION' | 'GRANT' | 'AGENT' | 'TOKEN' | 'DEVICE',
    prefix: string,
    after: { id: string; userId: string } | null,
    limit: number,
  ): Array<{ id: string; userId: string; expiresAt: number | null }> {
    const high = `${prefix}\u{10FFFF}`;
    const cursor = after ?? { id: '', userId: '' };
    const rows =
      kind === 'DEVICE'
        ? this.db
            .prepare(
              `SELECT device_id AS id, user_id, NULL AS expires_at FROM graph_devices
               WHERE tenant = ? AND device_id >= ? AND device_id < ? AND (device_id, user_id) > (?, ?) ORDER BY device_id, user_id LIMIT ?`,
            )
            .all(tenant, prefix, high, cursor.id, cursor.userId, limit)
        : this.db
            .prepare(
              `SELECT id, user_id, expires_at FROM graph_nodes
               WHERE tenant = ? AND kind = ? AND id >= ? AND id < ? AND id > ? ORDER BY id LIMIT ?`,
            )
            .all(tenant, kind, prefix, high, cursor.id, limit);
    return (rows as Array<{ id: string; user_id: string; expires_at: number | null }>).map((r) => ({
      id: r.id,
      userId: r.user_id,
      expiresAt: r.expires_at,
    }));
  }

  /**
   * A session, agent or grant as the event that created it recorded it, and whether it has ended
   * since (a session's or agent's end): ingest resolves facts naming a node the live graph has let go.
   */
  createdNode(
    tenant: string,
    kind: 'SESSION' | 'AGENT' | 'GRANT',
    id: string,
  ): { userId: string; data: unknown; ended: boolean } | undefined {
    const row = this.created.get(tenant, kind, id) as { userId: string; position: number; data: string } | undefined;
    if (!row) return undefined;
    const end = kind === 'SESSION' ? 'SessionEnded' : kind === 'AGENT' ? 'AgentEnded' : null;
    const key = kind === 'SESSION' ? 'sessionId' : 'agentId';
    const ended =
      end !== null &&
      (this.endsAfter.all(tenant, row.userId, row.position, end) as Array<{ data: string }>).some(
        (r) => (JSON.parse(r.data) as Record<string, unknown>)[key] === id,
      );
    return { userId: row.userId, data: JSON.parse(row.data) as unknown, ended };
  }

  /** How many nodes of each kind the history holds for a tenant (structural checks, operations). */
  nodeCounts(tenant: string): Record<string, number> {
    return Object.fromEntries((this.counts.all(tenant) as Array<{ kind: string; n: number }>).map((r) => [r.kind, r.n]));
  }
}
