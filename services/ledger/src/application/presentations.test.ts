import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '@killswitch/event-store/sqlite';
import type { CheckResult } from '@killswitch/projections';
import { PresentationLog, presentedStream } from './presentations.ts';

const REFUSED: CheckResult = {
  active: false,
  reason: 'revoked',
  cause: 'session_revoked',
  terminationId: 'term-1',
  revokedAt: 1,
  by: 's1',
};
const MINUTE = 60_000;

describe('PresentationLog', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('coalesces refusals of one credential per minute, keeping the latest IP and user agent, and appends them once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-presented-'));
    dirs.push(dir);
    const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    let now = 10 * MINUTE;
    const log = new PresentationLog(store, () => now, 60_000);
    const token = { credentialType: 'TOKEN' as const, credentialId: 'stolen' };
    for (let i = 0; i < 5; i++, now += 100) log.refused('acme', REFUSED, token, 'check', { ip: '198.51.100.7', userAgent: 'curl/8' });
    log.refused('acme', REFUSED, token, 'check', {}); // the same attacker, no context this time
    now += 100;
    log.refused('acme', REFUSED, token, 'check', { ip: '198.51.100.8', userAgent: 'curl/9' });
    log.refused('acme', { active: true }, token, 'check'); // a live answer is no refusal
    log.refused('acme', REFUSED, token, 'introspect', { ip: '198.51.100.7' }); // another channel: its own entry
    now = 11 * MINUTE;
    log.refused('acme', REFUSED, token, 'check', { ip: '198.51.100.9' }); // the next minute: its own entry
    await log.close();

    const events = (await store.readStream(presentedStream('acme', 'term-1'))).map((e) => e.event.data);
    await store.close();
    expect(events).toEqual([
      expect.objectContaining({
        channel: 'check',
        count: 7,
        firstAt: 10 * MINUTE,
        lastAt: 10 * MINUTE + 600,
        ip: '198.51.100.8',
        userAgent: 'curl/9',
        credentialId: 'stolen',
      }),
      expect.objectContaining({ channel: 'introspect', count: 1, ip: '198.51.100.7', userAgent: null }),
      expect.objectContaining({ channel: 'check', count: 1, firstAt: 11 * MINUTE, ip: '198.51.100.9' }),
    ]);
  });
});
