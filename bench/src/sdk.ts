import type { RecordedEvent } from '@killswitch/event-store';
import { Enforcer } from '@killswitch/enforcer';
import type { DomainEvent } from '@killswitch/schemas';
import { recorded, sessionStarted, subjectRevoked, tokenMinted } from '@killswitch/testing';
import { fmt, report } from './util.ts';

/**
 * The enforcer SDK's local answers (no network): a live and a revoked token by id and by claims,
 * against 100,000 live tokens and 1,000 revoked sessions, beside a bare `Map.get` in the same run.
 * The revoked answers include noting the refusal for the reuse-after-revocation report.
 */
export async function benchSdk(tokens = 100_000, revokedSessions = 1_000, checks = 2_000_000): Promise<void> {
  const now = Date.now();
  const enforcer = new Enforcer({ tenant: 'sdk', ledgerUrl: 'http://127.0.0.1:9', apiKey: 'unused', brokers: [], reportMs: 3_600_000 });
  const feed = (event: DomainEvent) => enforcer.replica.apply(recorded(event, { tenant: 'sdk', recordedAt: now }) as RecordedEvent);
  const sessions = 10_000;
  for (let s = 0; s < sessions; s++) feed(sessionStarted({ sessionId: `s${s}`, userId: `u${s % 1000}`, authTime: now, startedAt: now }));
  for (let t = 0; t < tokens; t++) {
    const session = `s${t % sessions}`;
    feed(
      tokenMinted({
        tokenId: `t${t}`,
        userId: `u${(t % sessions) % 1000}`,
        sessionId: session,
        issuedAt: now - 1000,
        expiresAt: now + 3_600_000,
        lineage: { sessions: [session], agents: [], grants: [], deviceId: null },
      }),
    );
  }
  for (let s = 0; s < revokedSessions; s++)
    feed(subjectRevoked({ terminationId: `term${s}`, userId: `u${s % 1000}`, subject: { type: 'SESSION', id: `s${s}` }, at: now }));
  // Tokens t0…: session s(t % 10,000) is revoked when t % 10,000 < 1,000.
  const live = Array.from({ length: 1000 }, (_, i) => `t${revokedSessions + i}`);
  const revoked = Array.from({ length: 1000 }, (_, i) => `t${i}`);
  const liveClaims = live.map((jti, i) => ({
    sub: `u${(revokedSessions + i) % 1000}`,
    sid: `s${revokedSessions + i}`,
    jti,
    iat: Math.floor(now / 1000) - 1,
  }));
  const revokedClaims = revoked.map((jti, i) => ({ sub: `u${i % 1000}`, sid: `s${i}`, jti, iat: Math.floor(now / 1000) - 1 }));
  const { replica } = enforcer;
  if (!replica.checkToken(live[0] as string).active || replica.checkToken(revoked[0] as string).active)
    throw new Error('bench fixture is wrong');
  const rate = (run: (i: number) => unknown) => {
    for (let i = 0; i < 100_000; i++) run(i); // warm
    const started = performance.now();
    for (let i = 0; i < checks; i++) run(i);
    return checks / ((performance.now() - started) / 1000);
  };
  const map = new Map(live.map((id) => [id, { active: true }]));
  const rows: Array<[string, number]> = [
    ['checkToken, live token', rate((i) => replica.checkToken(live[i % 1000] as string))],
    ['checkToken, revoked token (refusal noted)', rate((i) => replica.checkToken(revoked[i % 1000] as string))],
    ['check(claims), live token', rate((i) => replica.check(liveClaims[i % 1000] as never))],
    ['check(claims), revoked token (refusal noted)', rate((i) => replica.check(revokedClaims[i % 1000] as never))],
    ['baseline: Map.get', rate((i) => map.get(live[i % 1000] as string))],
  ];
  await enforcer.stop();
  report(
    `Enforcer SDK, local answers (${fmt(tokens)} live tokens, ${fmt(revokedSessions)} revoked sessions, ${fmt(checks)} checks each)`,
    rows.map(([label, perSecond]) => [label, `${fmt(perSecond)} checks/s, ${fmt(1e9 / perSecond, 1)} ns/check`]),
  );
}
