import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '@killswitch/schemas';
import { openDatabase } from './open.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';

describe('events stay readable forever', () => {
  it('an event stored with SessionStarted v1 is read back in the v2 shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-evo-'));
    const path = join(dir, 'events.sqlite');
    const v1 = SchemaRegistry.load('events').version('SessionStarted', 1);
    const db = openDatabase(path);
    const data = v1.type.toBuffer({
      sessionId: 'old',
      userId: 'alice',
      parentSessionId: null,
      deviceId: null,
      idpIssuer: null,
      idpSid: null,
      clientId: null,
      ip: null,
      userAgent: null,
      authTime: 1,
      startedAt: 1,
      expiresAt: null,
      ancestors: [],
    });
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
