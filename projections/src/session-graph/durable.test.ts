import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent, EventData } from '@killswitch/schemas';
import { recorded, sessionStarted, subjectRevoked, tokenMinted } from '@killswitch/testing';
import { ReadModelDb } from '../durable/read-model-db.ts';
import { blastRadius } from './blast-radius.ts';
import { durableSessionGraph, GRAPH_MIGRATIONS, GraphHistory, rowData, tokenRow } from './durable.ts';

const token: EventData<'TokenMinted'> = {
  tokenId: 'tok-1',
  userId: 'alice',
  kind: 'REFRESH',
  format: 'REFERENCE',
  binding: 'DPOP',
  bindingThumbprint: 'thumb',
  sessionId: 's1',
  grantId: 'g1',
  agentId: 'a1',
  clientId: 'web',
  scope: 'openid offline_access',
  issuedAt: 1_700_000_000_123,
  expiresAt: 1_700_003_600_123,
  lineage: { sessions: ['s1', 's0'], agents: ['a1'], grants: ['g1'], deviceId: 'd1' },
};

describe('graph history rows', () => {
  it('a token row reads back as the event’s data, every field in place, in a third of the object’s size', () => {
    const row = tokenRow(token);
    expect(rowData('TokenMinted', row, 'alice')).toEqual(token);
    expect(row.length).toBeLessThan(JSON.stringify(token).length / 2);
    const bare = { ...token, bindingThumbprint: null, grantId: null, agentId: null, clientId: null, scope: null };
    const bareLineage = { ...bare, lineage: { sessions: ['s1'], agents: [], grants: [], deviceId: null } };
    expect(rowData('TokenMinted', tokenRow(bareLineage), 'alice')).toEqual(bareLineage);
  });

  it('rows written before the compact form (the data as an object) still read, and other types stay objects', () => {
    expect(rowData('TokenMinted', JSON.stringify(token), 'alice')).toEqual(token);
    const ended = { sessionId: 's1', userId: 'alice', endedAt: 5, reason: 'LOGOUT' };
    expect(rowData('SessionEnded', JSON.stringify(ended), 'alice')).toEqual(ended);
  });
});

describe('graph history migration 2 (clustered by user)', () => {
  it('keeps every row of a database written before it, and its as-of answers equal a fresh database’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-graph-migration-'));
    try {
      const now = 1_700_000_000_000;
      const events = (
        [
          sessionStarted({ sessionId: 's1', userId: 'alice', deviceId: 'd1', startedAt: now }),
          tokenMinted({ tokenId: 't1', userId: 'alice', sessionId: 's1', issuedAt: now, expiresAt: now + 3_600_000 }),
          sessionStarted({ sessionId: 's2', userId: 'bob', deviceId: 'd1', startedAt: now + 1 }),
          tokenMinted({ tokenId: 't2', userId: 'bob', sessionId: 's2', issuedAt: now + 1, expiresAt: now + 3_600_000 }),
          tokenMinted({ tokenId: 't3', userId: 'alice', sessionId: 's1', issuedAt: now + 2, expiresAt: now + 3_600_000 }),
          subjectRevoked({ terminationId: 'T1', userId: 'alice', subject: { type: 'SESSION', id: 's1' }, at: now + 3 }),
        ] as DomainEvent[]
      ).map((event, i) => recorded(event, { position: i + 1, recordedAt: now + i }) as RecordedEvent);

      // A database as the previous release left it: migration 1 only, token data as JSON objects.
      const old = new ReadModelDb(join(dir, 'old.sqlite'));
      const raw = (old as unknown as { db: import('better-sqlite3').Database }).db;
      raw.exec(GRAPH_MIGRATIONS[0]);
      raw.prepare('INSERT INTO read_model_migrations (projection, version, applied_at) VALUES (?, 1, 0)').run(durableSessionGraph.name);
      const insert = raw.prepare('INSERT INTO graph_history VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const e of events) {
        const data = e.event.data as { userId: string };
        insert.run(e.position, 'acme', data.userId, e.recordedAt, e.recordedAt, e.event.type, JSON.stringify(data));
      }
      old.attach(durableSessionGraph);

      const fresh = new ReadModelDb(join(dir, 'fresh.sqlite'));
      fresh.attach(durableSessionGraph);
      fresh.apply(events);

      const migrated = old.dump().graph_history as Array<Record<string, unknown>>;
      expect(migrated.map((row) => row.position)).toEqual([1, 2, 5, 6, 3, 4]); // by user, then position
      // Rows keep their keys, types and recorded times (this test's old rows stamp event time as recorded).
      const keys = (rows: Array<Record<string, unknown>>) => rows.map((r) => [r.tenant, r.user_id, r.position, r.recorded_at, r.type]);
      expect(keys(migrated)).toEqual(keys(fresh.dump().graph_history as Array<Record<string, unknown>>));
      const answers = (db: ReadModelDb) => {
        const history = new GraphHistory((db as unknown as { db: import('better-sqlite3').Database }).db);
        return [3, 6].map((position) => {
          const asOf = { clock: 'position', at: position } as const;
          return ['alice', 'bob'].map((user) => blastRadius(history.graphAsOf('acme', [user], asOf), { type: 'USER', id: user }, now));
        });
      };
      expect(answers(old)).toEqual(answers(fresh));
      old.close();
      fresh.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
