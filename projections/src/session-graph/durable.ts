import type Database from 'better-sqlite3';
import type { SubjectRef } from '@killswitch/domain';
import type { RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent } from '@killswitch/schemas';
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

function prepare(db: Database.Database): DurableWriter {
  const history = db.prepare(`INSERT OR IGNORE INTO graph_history (position, tenant, user_id, recorded_at, event_time, type, data)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const node = db.prepare('INSERT OR IGNORE INTO graph_nodes (tenant, kind, id, user_id, position, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const device = db.prepare('INSERT OR IGNORE INTO graph_devices (tenant, device_id, user_id) VALUES (?, ?, ?)');
  return {
    apply(recorded) {
      const described = describe(recorded);
      if (!described) return;
      const tenant = recorded.metadata.tenant;
      history.run(
        recorded.position,
        tenant,
        described.userId,
        recorded.recordedAt,
        described.eventTime,
        recorded.event.type,
        JSON.stringify(recorded.event.data),
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

  constructor(private readonly db: Database.Database) {
    this.ownerOf = db.prepare('SELECT user_id FROM graph_nodes WHERE tenant = ? AND kind = ? AND id = ?');
    this.ownersOfDevice = db.prepare('SELECT user_id FROM graph_devices WHERE tenant = ? AND device_id = ?');
    this.userKnown = db.prepare('SELECT 1 FROM graph_history WHERE tenant = ? AND user_id = ? LIMIT 1');
    // Every clock reads a user's rows through the (tenant, user, position) index.
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
    const rows = userIds.flatMap((user) => statement.all(tenant, user, asOf.at) as HistoryRow[]);
    if (userIds.length > 1) rows.sort((a, b) => a[0] - b[0]);
    for (const [position, type, data] of rows) {
      const recorded = {
        position,
        recordedAt: 0, // the as-of graph never evicts: what had expired still shows, as "expired"
        event: { type, data: JSON.parse(data) as unknown },
        metadata: { tenant },
      } as unknown as RecordedEvent;
      sessionGraph.evolve(state, recorded);
    }
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

  /** How many nodes of each kind the history holds for a tenant (structural checks, operations). */
  nodeCounts(tenant: string): Record<string, number> {
    return Object.fromEntries((this.counts.all(tenant) as Array<{ kind: string; n: number }>).map((r) => [r.kind, r.n]));
  }
}
