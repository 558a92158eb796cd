import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { streamId } from '@killswitch/domain';
import { startLedgerProcess, subjectRevoked, terminationRequestedData } from '@killswitch/testing';
import { startTestLedger, type TestLedger } from '../src/test-ledger.ts';

const KEY = 'ks_crash_test_admin';

let ledger: TestLedger | undefined;
afterEach(async () => ledger?.destroy());

describe('a process killed at any point restarts into the same state', () => {
  it('a termination killed between its kill and its receipt is completed on restart', async () => {
    ledger = await startTestLedger();
    await ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'session.started', sessionId: 's1', userId: 'alice' },
        { type: 'token.minted', kind: 'access', format: 'jwt', tokenId: 't1', sessionId: 's1', expiresAt: Date.now() + 60_000 },
      ],
    });
    // What a crash right after the first append leaves behind: the kill, no receipt.
    const metadata = { tenant: 'acme', correlationId: 'c', causationId: null, actor: 'api-key:admin', source: 'api', idpEventTime: null };
    const now = Date.now();
    await ledger.runtime.store.append({
      streamId: streamId.termination('acme', 'crashed'),
      expected: 'no_stream',
      events: [
        {
          metadata,
          event: {
            type: 'TerminationRequested',
            data: terminationRequestedData({ terminationId: 'crashed', userId: 'alice', reason: 'crash test', requestedAt: now }),
          },
        },
        {
          metadata,
          event: subjectRevoked({ terminationId: 'crashed', subject: { type: 'SESSION', id: 's1' }, at: now }),
        },
      ],
    });
    expect((await ledger.call('GET', '/v1/tenants/acme/terminations/crashed')).body.status).toBe('requested');
    expect((await ledger.call('POST', '/v1/tenants/acme/check', { tokenId: 't1' })).body.active).toBe(false); // the kill already holds
    ledger = await ledger.restart();
    const completed = await ledger.call('GET', '/v1/tenants/acme/terminations/crashed');
    expect(completed.body).toMatchObject({
      status: 'applied',
      ended: { sessionsRevoked: ['s1'], tokens: 1 },
      residual: { bearer: { count: 1 } },
    });
  });

  it('a ledger asked to stop exits even when its shutdown cannot finish (its data directory is gone)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-stop-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ port: 0, dataDir: join(dir, 'data'), tenants: [{ id: 'acme', apiKeys: [] }] }));
    try {
      const { child } = await startLedgerProcess(config);
      rmSync(join(dir, 'data'), { recursive: true, force: true });
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).not.toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('the ledger server killed with SIGKILL mid-ingest keeps every acknowledged fact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-kill-server-'));
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        port: 0,
        dataDir: join(dir, 'data'),
        tenants: [
          { id: 'acme', apiKeys: [{ name: 'k', sha256: createHash('sha256').update(KEY).digest('hex'), roles: ['ingest', 'read'] }] },
        ],
      }),
    );
    const acknowledged: string[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const { child, url } = await startLedgerProcess(config);
        const writers = [0, 1, 2].map(async (writer) => {
          for (let i = 0; ; i++) {
            const id = `r${round}-w${writer}-${i}`;
            const response = await post(url, { facts: [{ type: 'session.started', sessionId: id, userId: 'u' }] }).catch(() => null);
            if (!response || response.status !== 200) return;
            acknowledged.push(id);
          }
        });
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 300));
        child.kill('SIGKILL');
        await Promise.all(writers);
      }
      const { child, url } = await startLedgerProcess(config);
      for (const id of acknowledged) {
        const check = await fetch(`${url}/v1/tenants/acme/check`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId: id }),
        });
        expect(((await check.json()) as { active: boolean }).active, id).toBe(true);
      }
      expect(acknowledged.length).toBeGreaterThan(10);
      child.kill('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

function post(url: string, body: unknown) {
  return fetch(`${url}/v1/tenants/acme/facts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
