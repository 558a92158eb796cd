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

  it('the access line the ledger writes itself is the line pino writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-log-'));
    const config = testConfig(dir);
    const runtime = await startRuntime(config);
    const headers = { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' };
    const sinkOf = (lines: string[]) => new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    /** The access lines of the same two requests, without what differs from one request to the next. */
    const accessLines = async (logger: ReturnType<typeof createLogger>, lines: string[]) => {
      const app = await buildApp({ config, ledger: runtime.ledger, store: runtime.store, host: runtime.host, logger });
      await app.inject({ method: 'POST', url: '/v1/tenants/acme/check', headers, payload: { tokenId: 'never-minted' } });
      await app.inject({ method: 'GET', url: '/v1/tenants/acme/nowhere', headers });
      await app.close();
      return lines
        .flatMap((l) => l.split('\n'))
        .filter((l) => l.includes('"request completed"'))
        .map((l) => {
          const { time, reqId, req, responseTime, ...rest } = JSON.parse(l) as { reqId: string; req: { id: string } } & Record<
            string,
            unknown
          >;
          expect(typeof time).toBe('number');
          expect(typeof responseTime).toBe('number');
          expect(req.id).toBe(reqId);
          return { keys: Object.keys(JSON.parse(l) as object), ...rest, req: { ...req, id: undefined } };
        });
    };
    const direct: string[] = [];
    const written = await accessLines(createLogger('info', sinkOf(direct)), direct);
    // A mixin sends every line through pino; this one adds nothing, so the lines must be the same.
    const through: string[] = [];
    const viaPino = await accessLines(createLogger('info', sinkOf(through), { mixin: () => ({}) }), through);
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
    expect(written).toHaveLength(2);
    expect(written).toEqual(viaPino);
    expect(written[0]).toMatchObject({ level: 30, req: { method: 'POST', route: '/v1/tenants/:tenant/check' }, res: { status: 200 } });
    expect(written[1]).toMatchObject({ level: 30, req: { method: 'GET' }, res: { status: 404 }, msg: 'request completed' });
  });
});
