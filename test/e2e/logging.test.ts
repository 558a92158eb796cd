import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp, createLogger, startRuntime } from '@killswitch/ledger';
import { KEYS, testConfig } from '../src/test-ledger.ts';

describe('logs', () => {
  it('carry route patterns and statuses, never user ids, IPs, API keys or tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const dir = mkdtempSync(join(tmpdir(), 'ks-log-'));
    const config = testConfig(dir);
    const runtime = await startRuntime(config);
    const app = await buildApp({
      config,
      ledger: runtime.ledger,
      store: runtime.store,
      host: runtime.host,
      logger: createLogger('debug', sink),
    });
    const headers = { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' };
    const secrets = ['alice@example.com', '203.0.113.77', KEYS.admin, 'eyJhbGciOiJFUzI1NiJ9.secret-token', 'session-secret-id'];
    await app.inject({
      method: 'POST',
      url: '/v1/tenants/acme/facts',
      headers,
      payload: { facts: [{ type: 'session.started', sessionId: 'session-secret-id', userId: 'alice@example.com', ip: '203.0.113.77' }] },
    });
    await app.inject({ method: 'GET', url: '/v1/tenants/acme/users/alice@example.com/sessions', headers });
    await app.inject({ method: 'POST', url: '/v1/tenants/acme/check', headers, payload: { tokenId: 'eyJhbGciOiJFUzI1NiJ9.secret-token' } });
    await app.inject({ method: 'POST', url: '/v1/tenants/acme/check', headers, payload: '{broken' });
    await app.close();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
    const log = lines.join('');
    expect(log).toContain('/v1/tenants/:tenant/users/:userId/sessions');
    // One access line per request, once answered: its route pattern, status and time.
    const access = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"request completed"'));
    expect(access).toHaveLength(4);
    expect(log).not.toContain('incoming request');
    expect(JSON.parse(access[3] as string)).toMatchObject({
      req: { method: 'POST', route: '/v1/tenants/:tenant/check' },
      res: { status: 400 },
    });
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
