import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@killswitch/event-store';
import type { EventData } from '@killswitch/schemas';
import type { DurableProjection, DurableWriter } from '../durable/read-model-db.ts';
import type { InventoryEntry, InventoryStatus } from './types.ts';

/**
 * The session inventory on disk, bitemporal: each session's facts, every status it has had with
 * the interval it held in both clocks (store position / recorded time, and the source's event
 * time), and every recorded activity. "A user's sessions as of T" is then a range condition on
 * indexed columns, not a replay. Current values are kept on the session row for the hot listing.
 */
/**
 * A user's sessions, by the (tenant, user) index. Named: without statistics SQLite would take
 * the primary key's tenant prefix (it guesses ten rows a tenant) and read every session of the tenant.
 */
const USER_SESSIONS = 'SELECT * FROM inventory_sessions INDEXED BY inventory_sessions_by_user WHERE tenant = ? AND user_id = ?';

export const INVENTORY_MIGRATIONS = [
  `CREATE TABLE inventory_sessions (
     tenant            TEXT    NOT NULL,
     session_id        TEXT    NOT NULL,
     user_id           TEXT    NOT NULL,
     parent_session_id TEXT,
     device_id         TEXT,
     client_id         TEXT,
     ancestors         TEXT    NOT NULL,
     started_at        INTEGER NOT NULL,
     expires_at        INTEGER,
     start_position    INTEGER NOT NULL,
     start_recorded_at INTEGER NOT NULL,
     start_ip          TEXT,
     start_user_agent  TEXT,
     ip                TEXT,
     user_agent        TEXT,
     last_activity_at  INTEGER NOT NULL,
     status            TEXT    NOT NULL,
     termination_id    TEXT,
     PRIMARY KEY (tenant, session_id)
   ) WITHOUT ROWID;
   CREATE INDEX inventory_sessions_by_user ON inventory_sessions (tenant, user_id, start_position);
   CREATE TABLE inventory_status (
     tenant           TEXT    NOT NULL,
     session_id       TEXT    NOT NULL,
     status           TEXT    NOT NULL,
     termination_id   TEXT,
     from_position    INTEGER NOT NULL,
     from_recorded_at INTEGER NOT NULL,
     from_event_time  INTEGER NOT NULL,
     to_position      INTEGER,
     to_recorded_at   INTEGER,
     to_event_time    INTEGER,
     PRIMARY KEY (tenant, session_id, from_position)
   ) WITHOUT ROWID;
   CREATE TABLE inventory_activity (
     tenant      TEXT    NOT NULL,
     session_id  TEXT    NOT NULL,
     position    INTEGER NOT NULL,
     recorded_at INTEGER NOT NULL,
     at          INTEGER NOT NULL,
     ip          TEXT,
     user_agent  TEXT,
     PRIMARY KEY (tenant, session_id, position)
   ) WITHOUT ROWID;`,
] as const;

interface SessionRow {
  tenant: string;
  session_id: string;
  user_id: string;
  parent_session_id: string | null;
  device_id: string | null;
  client_id: string | null;
  ancestors: string;
  started_at: number;
  expires_at: number | null;
  start_position: number;
  start_recorded_at: number;
  start_ip: string | null;
  start_user_agent: string | null;
  ip: string | null;
  user_agent: string | null;
  last_activity_at: number;
  status: InventoryStatus;
  termination_id: string | null;
}

/** The instant an as-of query looks at, in one of the two clocks (or a store position). */
export type AsOf = { clock: 'position'; at: number } | { clock: 'recorded'; at: number } | { clock: 'event'; at: number };

/** Which status a revocation mark gives a session, if any (the same rule as the in-memory inventory). */
export function statusAfter(
  session: Pick<SessionRow, 'session_id' | 'device_id' | 'started_at' | 'ancestors' | 'status'>,
  mark: EventData<'SubjectRevoked'>,
): InventoryStatus | null {
  if (session.status === 'revoked' || session.status === 'ended') return null;
  const { type, id } = mark.subject;
  const ancestors = JSON.parse(session.ancestors) as string[];
  let next: InventoryStatus | null = null;
  if (mark.effect === 'NOT_BEFORE' && (type === 'USER' || session.device_id === id) && session.started_at <= (mark.notBefore ?? mark.at))
    next = 'revoked';
  else if (type === 'SESSION' && mark.effect === 'REVOKED' && (session.session_id === id || ancestors.includes(id))) next = 'revoked';
  else if (type === 'SESSION' && mark.effect === 'INVALIDATED' && session.session_id === id) next = 'invalidated';
  if (next === 'invalidated' && session.status === 'invalidated') return null;
  return next;
}

function prepare(db: Database.Database): DurableWriter {
  const insertSession = db.prepare(`INSERT OR IGNORE INTO inventory_sessions
    (tenant, session_id, user_id, parent_session_id, device_id, client_id, ancestors, started_at, expires_at,
     start_position, start_recorded_at, start_ip, start_user_agent, ip, user_agent, last_activity_at, status, termination_id)
    VALUES (@tenant, @session_id, @user_id, @parent_session_id, @device_id, @client_id, @ancestors, @started_at, @expires_at,
     @start_position, @start_recorded_at, @ip, @user_agent, @ip, @user_agent, @last_activity_at, 'active', NULL)`);
  const openStatus = db.prepare(`INSERT OR IGNORE INTO inventory_status
    (tenant, session_id, status, termination_id, from_position, from_recorded_at, from_event_time)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const closeStatus = db.prepare(`UPDATE inventory_status SET to_position = ?, to_recorded_at = ?, to_event_time = ?
    WHERE tenant = ? AND session_id = ? AND to_position IS NULL`);
  const setStatus = db.prepare('UPDATE inventory_sessions SET status = ?, termination_id = ? WHERE tenant = ? AND session_id = ?');
  const session = db.prepare('SELECT * FROM inventory_sessions WHERE tenant = ? AND session_id = ?');
  const sessionsOfUser = db.prepare(USER_SESSIONS);
  const activity = db.prepare(`INSERT OR IGNORE INTO inventory_activity (tenant, session_id, position, recorded_at, at, ip, user_agent)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const touch = db.prepare(`UPDATE inventory_sessions SET last_activity_at = max(last_activity_at, ?),
    ip = coalesce(?, ip), user_agent = coalesce(?, user_agent) WHERE tenant = ? AND session_id = ?`);

  const changeStatus = (
    recorded: RecordedEvent,
    tenant: string,
    sessionId: string,
    status: InventoryStatus,
    terminationId: string | null,
    eventTime: number,
  ) => {
    closeStatus.run(recorded.position, recorded.recordedAt, eventTime, tenant, sessionId);
    openStatus.run(tenant, sessionId, status, terminationId, recorded.position, recorded.recordedAt, eventTime);
    setStatus.run(status, terminationId, tenant, sessionId);
  };

  return {
    apply(recorded) {
      const { event } = recorded;
      const tenant = recorded.metadata.tenant;
      switch (event.type) {
        case 'SessionStarted': {
          const d = event.data;
          const inserted = insertSession.run({
            tenant,
            session_id: d.sessionId,
            user_id: d.userId,
            parent_session_id: d.parentSessionId,
            device_id: d.deviceId,
            client_id: d.clientId,
            ancestors: JSON.stringify(d.ancestors),
            started_at: d.startedAt,
            expires_at: d.expiresAt,
            start_position: recorded.position,
            start_recorded_at: recorded.recordedAt,
            ip: d.ip,
            user_agent: d.userAgent,
            last_activity_at: d.startedAt,
          });
          if (inserted.changes > 0)
            openStatus.run(tenant, d.sessionId, 'active', null, recorded.position, recorded.recordedAt, d.startedAt);
          return;
        }
        case 'SessionActivityRecorded': {
          const d = event.data;
          if (!session.get(tenant, d.sessionId)) return;
          activity.run(tenant, d.sessionId, recorded.position, recorded.recordedAt, d.at, d.ip, d.userAgent);
          touch.run(d.at, d.ip, d.userAgent, tenant, d.sessionId);
          return;
        }
        case 'SessionEnded': {
          const row = session.get(tenant, event.data.sessionId) as SessionRow | undefined;
          if (row?.status === 'active') changeStatus(recorded, tenant, row.session_id, 'ended', null, event.data.endedAt);
          return;
        }
        case 'SubjectRevoked': {
          const d = event.data;
          for (const row of sessionsOfUser.all(tenant, d.userId) as SessionRow[]) {
            const next = statusAfter(row, d);
            // The event clock of a termination is the IdP's own time when it gave one (as in the graph history).
            if (next) changeStatus(recorded, tenant, row.session_id, next, d.terminationId, recorded.metadata.idpEventTime ?? d.at);
          }
          return;
        }
        default:
          return;
      }
    },
  };
}

export const durableSessionInventory: DurableProjection = {
  name: 'session-inventory',
  migrations: INVENTORY_MIGRATIONS,
  prepare,
};

const toEntry = (row: SessionRow): InventoryEntry => ({
  sessionId: row.session_id,
  parentSessionId: row.parent_session_id,
  deviceId: row.device_id,
  clientId: row.client_id,
  ip: row.ip,
  userAgent: row.user_agent,
  startedAt: row.started_at,
  lastActivityAt: row.last_activity_at,
  expiresAt: row.expires_at,
  ancestors: JSON.parse(row.ancestors) as string[],
  status: row.status,
  terminationId: row.termination_id,
});

const COLUMNS = {
  position: { start: 'start_position', from: 'from_position', to: 'to_position', activity: 'position' },
  recorded: { start: 'start_recorded_at', from: 'from_recorded_at', to: 'to_recorded_at', activity: 'recorded_at' },
  event: { start: 'started_at', from: 'from_event_time', to: 'to_event_time', activity: 'at' },
} as const;

/** Queries over the durable inventory: index lookups only (by tenant and user, then by session). */
export class InventoryQueries {
  private readonly current: Database.Statement;
  private readonly asOfStatements = new Map<AsOf['clock'], Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.current = db.prepare(USER_SESSIONS);
  }

  /** A user's sessions now, most recently active first. */
  sessionsOf(tenant: string, userId: string): InventoryEntry[] {
    return (this.current.all(tenant, userId) as SessionRow[]).map(toEntry).sort(byActivity);
  }

  /** A user's sessions as they were at an instant of the chosen clock (or at a store position). */
  sessionsAsOf(tenant: string, userId: string, asOf: AsOf): InventoryEntry[] {
    let statement = this.asOfStatements.get(asOf.clock);
    if (!statement) {
      const c = COLUMNS[asOf.clock];
      statement = this.db.prepare(`
        SELECT s.*,
          st.status AS as_of_status, st.termination_id AS as_of_termination,
          (SELECT max(a.at) FROM inventory_activity a WHERE a.tenant = s.tenant AND a.session_id = s.session_id AND a.${c.activity} <= @at) AS as_of_activity,
          (SELECT a.ip FROM inventory_activity a WHERE a.tenant = s.tenant AND a.session_id = s.session_id AND a.${c.activity} <= @at AND a.ip IS NOT NULL ORDER BY a.position DESC LIMIT 1) AS as_of_ip,
          (SELECT a.user_agent FROM inventory_activity a WHERE a.tenant = s.tenant AND a.session_id = s.session_id AND a.${c.activity} <= @at AND a.user_agent IS NOT NULL ORDER BY a.position DESC LIMIT 1) AS as_of_user_agent
        FROM inventory_sessions s INDEXED BY inventory_sessions_by_user
        JOIN inventory_status st ON st.tenant = s.tenant AND st.session_id = s.session_id
          AND st.${c.from} <= @at AND (st.${c.to} IS NULL OR st.${c.to} > @at)
        WHERE s.tenant = @tenant AND s.user_id = @user AND s.${c.start} <= @at`);
      this.asOfStatements.set(asOf.clock, statement);
    }
    type AsOfRow = SessionRow & {
      as_of_status: InventoryStatus;
      as_of_termination: string | null;
      as_of_activity: number | null;
      as_of_ip: string | null;
      as_of_user_agent: string | null;
    };
    const rows = statement.all({ tenant, user: userId, at: asOf.at }) as AsOfRow[];
    return rows
      .map((row) => ({
        ...toEntry(row),
        status: row.as_of_status,
        terminationId: row.as_of_termination,
        lastActivityAt: Math.max(row.started_at, row.as_of_activity ?? row.started_at),
        ip: row.as_of_ip ?? row.start_ip,
        userAgent: row.as_of_user_agent ?? row.start_user_agent,
      }))
      .sort(byActivity);
  }
}

const byActivity = (a: InventoryEntry, b: InventoryEntry) => b.lastActivityAt - a.lastActivityAt || (a.sessionId < b.sessionId ? -1 : 1);
