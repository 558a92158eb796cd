import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '@killswitch/schemas';
import { sessionStartedData } from '@killswitch/testing';
import { openDatabase } from './open.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';

describe('events stay readable forever', () => {
  it('an event stored with SessionStarted v1 is read back in the v2 shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-evo-'));
    const path = join(dir, 'events.sqlite');
    const v1 = SchemaRegistry.load('events').version('SessionStarted', 1);
    const db = openDatabase(path);
    const { acr: _acr, amr: _amr, ...v1Data } = sessionStartedData({ sessionId: 'old', authTime: 1, startedAt: 1 });
    const data = v1.type.toBuffer(v1Data);
    db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, schema_fp, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?, 1)',
    ).run('session-acme:old', 'e1', 'SessionStarted', v1.fingerprint, data, JSON.stringify({ tenant: 'acme' }));
    db.close();
    const store = new SqliteEventStore({ path });
    const [event] = await store.readStream('session-acme:old');
    expect(event?.schemaFingerprint).toBe(v1.fingerprint);
    expect(event?.event.data).toMatchObject({ sessionId: 'old', acr: null, amr: [] });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
