import type Database from 'better-sqlite3';
import type { DurableProjection, DurableWriter } from '../durable/read-model-db.ts';
import { idpDeviceKeys, messageKey } from './projection.ts';

/**
 * Accounts on disk: every identifier under which a user or device is known (from when), the
 * account-state history in both clocks, and every IdP message ever processed with its outcome
 * (the replay memory beyond the in-memory window).
 */
export const ACCOUNT_MIGRATIONS = [
  `CREATE TABLE account_identifiers (
     tenant    TEXT    NOT NULL,
     key       TEXT    NOT NULL,
     kind      TEXT    NOT NULL, -- USER | DEVICE
     target_id TEXT    NOT NULL,
     position  INTEGER NOT NULL,
     PRIMARY KEY (tenant, key, position)
   ) WITHOUT ROWID;
   CREATE TABLE account_states (
     position    INTEGER PRIMARY KEY,
     tenant      TEXT    NOT NULL,
     user_id     TEXT    NOT NULL,
     recorded_at INTEGER NOT NULL,
     event_time  INTEGER NOT NULL,
     state       TEXT    NOT NULL,
     issuer      TEXT    NOT NULL,
     command     TEXT    NOT NULL
   );
   CREATE INDEX account_states_by_user ON account_states (tenant, user_id, position);
   CREATE TABLE idp_messages (
     tenant          TEXT    NOT NULL,
     message_key     TEXT    NOT NULL,
     position        INTEGER NOT NULL,
     recorded_at     INTEGER NOT NULL,
     event_time      INTEGER NOT NULL,
     message_type    TEXT    NOT NULL,
     digest          TEXT    NOT NULL,
     outcome         TEXT    NOT NULL,
     termination_ids TEXT    NOT NULL,
     PRIMARY KEY (tenant, message_key)
   ) WITHOUT ROWID;
   CREATE INDEX idp_messages_by_time ON idp_messages (tenant, recorded_at);`,
] as const;

function prepare(db: Database.Database): DurableWriter {
  const identifier = db.prepare(
    'INSERT OR IGNORE INTO account_identifiers (tenant, key, kind, target_id, position) VALUES (?, ?, ?, ?, ?)',
  );
  const state =
    db.prepare(`INSERT OR IGNORE INTO account_states (position, tenant, user_id, recorded_at, event_time, state, issuer, command)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const message = db.prepare(`INSERT OR IGNORE INTO idp_messages
    (tenant, message_key, position, recorded_at, event_time, message_type, digest, outcome, termination_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    apply(recorded) {
      const { tenant } = recorded.metadata;
      const { event, position } = recorded;
      switch (event.type) {
        case 'SessionStarted': {
          const d = event.data;
          identifier.run(tenant, `opaque:${d.userId}`, 'USER', d.userId, position);
          if (d.idpIssuer && d.idpSubject) identifier.run(tenant, `iss_sub:${d.idpIssuer} ${d.idpSubject}`, 'USER', d.userId, position);
          if (d.idpDeviceId && d.deviceId)
            for (const key of idpDeviceKeys(d.idpDeviceId)) identifier.run(tenant, key, 'DEVICE', d.deviceId, position);
          return;
        }
        case 'UserIdentityLinked':
          for (const key of [...event.data.identifiers, `opaque:${event.data.userId}`])
            identifier.run(tenant, key, 'USER', event.data.userId, position);
          return;
        case 'DeviceIdentityLinked':
          for (const key of event.data.identifiers) identifier.run(tenant, key, 'DEVICE', event.data.deviceId, position);
          return;
        case 'AccountStateChanged': {
          const d = event.data;
          identifier.run(tenant, `iss_sub:${d.issuer} ${d.idpSubject}`, 'USER', d.userId, position);
          state.run(position, tenant, d.userId, recorded.recordedAt, d.changedAt, d.state, d.issuer, d.command);
          return;
        }
        case 'IdpMessageReceived': {
          const d = event.data;
          message.run(
            tenant,
            messageKey(d.protocol, d.issuer, d.messageId),
            position,
            recorded.recordedAt,
            d.idpEventTime ?? d.receivedAt,
            d.messageType,
            d.digest,
            d.outcome,
            JSON.stringify(d.terminationIds),
          );
          return;
        }
        default:
          return;
      }
    },
  };
}

export const durableAccounts: DurableProjection = { name: 'accounts', migrations: ACCOUNT_MIGRATIONS, prepare };

export interface ProcessedMessage {
  readonly position: number;
  readonly recordedAt: number;
  readonly outcome: string;
  readonly terminationIds: readonly string[];
}

/** Reads of the durable accounts: index lookups. */
export class AccountsHistory {
  private readonly message: Database.Statement;
  private readonly identifier: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.identifier = db.prepare('SELECT DISTINCT kind, target_id FROM account_identifiers WHERE tenant = ? AND key = ? LIMIT 100');
    this.message = db.prepare(
      'SELECT position, recorded_at, outcome, termination_ids FROM idp_messages WHERE tenant = ? AND message_key = ?',
    );
  }

  /** The users and devices ever known under an identifier key (`email:…`, `iss_sub:<issuer> <sub>`, `opaque:…`). */
  identified(tenant: string, key: string): Array<{ kind: 'USER' | 'DEVICE'; id: string }> {
    return (this.identifier.all(tenant, key) as Array<{ kind: 'USER' | 'DEVICE'; target_id: string }>).map((r) => ({
      kind: r.kind,
      id: r.target_id,
    }));
  }

  /** RP user ids starting with `prefix`, in order after a cursor (a range scan of the identifiers' primary key). */
  listUsers(tenant: string, prefix: string, after: string | null, limit: number): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT key FROM account_identifiers
         WHERE tenant = ? AND key >= ? AND key < ? AND key > ? AND kind = 'USER' AND key = 'opaque:' || target_id ORDER BY key LIMIT ?`,
      )
      .all(tenant, `opaque:${prefix}`, `opaque:${prefix}\u{10FFFF}`, `opaque:${after ?? ''}`, limit) as Array<{ key: string }>;
    return rows.map((r) => r.key.slice('opaque:'.length));
  }

  /** A message processed at any time (beyond the in-memory replay window too). */
  processedMessage(tenant: string, key: string): ProcessedMessage | undefined {
    const row = this.message.get(tenant, key) as
      { position: number; recorded_at: number; outcome: string; termination_ids: string } | undefined;
    return row
      ? {
          position: row.position,
          recordedAt: row.recorded_at,
          outcome: row.outcome,
          terminationIds: JSON.parse(row.termination_ids) as string[],
        }
      : undefined;
  }
}
