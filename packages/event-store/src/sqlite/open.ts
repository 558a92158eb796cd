import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

const DDL = `
CREATE TABLE IF NOT EXISTS events (
  position     INTEGER PRIMARY KEY,
  stream_id    TEXT    NOT NULL,
  revision     INTEGER NOT NULL,
  event_id     TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  schema_fp    TEXT    NOT NULL,
  data         BLOB    NOT NULL,
  metadata     TEXT    NOT NULL,
  recorded_at  INTEGER NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE TABLE IF NOT EXISTS streams (
  stream_id TEXT PRIMARY KEY,
  revision  INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Opens (creating if needed) an event-store database. WAL with synchronous=FULL: a commit
 * returns only once it is on disk, so an acknowledged append survives a kill or power loss.
 * `position` is the rowid of a table that is never deleted from: gap-free by construction
 * (a rolled-back transaction leaves no hole, since rowids are max+1).
 */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(DDL);
  return db;
}
