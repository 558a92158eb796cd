import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdpSimulator } from '@killswitch/testing';
import { freePort, runLoad, startLedger } from './processes.ts';
import { fmt, percentile, report } from './util.ts';

const KEY = 'ks_bench_idp_load_key';
const PUSH = 'Bearer push-secret-for-the-idp-load-bench';
const BASE = 'https://rp.bench.test';
const CAEP_SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';

/** Checks alongside the IdP load: autocannon on `/check` in its own process for `seconds`. */
const checksAlongside = (url: string, seconds: number) =>
  runLoad({
    url: `${url}/v1/tenants/load/check`,
    body: JSON.stringify({ tokenId: 't0' }),
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    seconds,
    connections: 10,
  });

/**
 * `npm run bench -- idp-load`: signed SSF SETs (CAEP session-revoked, one user each) pushed by
 * 200 concurrent deliveries into a ledger in its own process, with `/check` under load
 * alongside (another process); then every acknowledged message is checked to have been applied.
 * The SETs are signed before the clock starts.
 */
export async function benchIdpLoad(measured = 6_000, concurrency = 200, warmup = 400): Promise<void> {
  const users = measured + warmup;
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-idp-'));
  const children: ChildProcess[] = [];
  const idp = await IdpSimulator.start();
  try {
    const port = await freePort();
    const config = join(dir, 'config.json');
    const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
    writeFileSync(
      config,
      JSON.stringify({
        publicBaseUrl: BASE,
        port,
        dataDir: join(dir, 'data'),
        logLevel: 'info',
        maxFactsPerBatch: 1000,
        tenants: [
          {
            id: 'load',
            apiKeys: [{ name: 'bench', sha256: sha256(KEY), roles: ['ingest', 'read', 'respond', 'audit'] }],
            idps: [
              {
                issuer: idp.issuer,
                jwksUri: idp.jwksUri,
                algorithms: ['ES256'],
                clientId: 'rp-load',
                idpTenant: 'tnt-load',
                ssf: { pushAuthorizationSha256: sha256(PUSH) },
              },
            ],
          },
        ],
      }),
    );
    const ledger = await startLedger(config, port, process.env.KS_IDP_PROFILE);
    children.push(ledger.child);
    const { url } = ledger;
    const now = Date.now();
    for (let offset = 0; offset < users; offset += 500) {
      const facts: unknown[] = [];
      for (let i = offset; i < Math.min(users, offset + 500); i++) {
        facts.push({
          type: 'session.started',
          sessionId: `s${i}`,
          userId: `u${i}`,
          idpIssuer: idp.issuer,
          idpSubject: `sub-${i}`,
          idpSid: `sid-${i}`,
          startedAt: now,
        });
        facts.push({
          type: 'token.minted',
          kind: 'access',
          format: 'jwt',
          tokenId: `t${i}`,
          sessionId: `s${i}`,
          issuedAt: now,
          expiresAt: now + 3_600_000,
        });
      }
      const response = await fetch(`${url}/v1/tenants/load/facts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ facts }),
      });
      if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    }
    // Signed before the clock starts: the bench measures the ledger, not the signer.
    const audience = `${BASE}/idp/load/ssf`;
    const sets: string[] = [];
    for (let i = 0; i < users; i++) {
      const claims = idp.set(
        audience,
        {
          format: 'complex',
          user: { format: 'iss_sub', iss: idp.issuer, sub: `sub-${i}` },
          session: { format: 'opaque', id: `sid-${i}` },
          tenant: { format: 'opaque', id: 'tnt-load' },
        },
        CAEP_SESSION_REVOKED,
        { initiating_entity: 'policy', event_timestamp: idp.now() },
      );
      sets.push(await idp.sign(claims, { typ: 'secevent+jwt', alg: 'ES256' }));
    }
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    /** Delivers `sets[from, to)` with `concurrency` deliveries in flight; latencies recorded when `measure`. */
    const deliver = async (from: number, to: number, inFlight: number, measure: boolean) => {
      let next = from;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let i = next++; i < to; i = next++) {
            const sent = performance.now();
            const response = await fetch(`${url}/idp/load/ssf/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/secevent+jwt', authorization: PUSH },
              body: sets[i],
            }).catch(() => null);
            await response?.arrayBuffer();
            if (measure) latencies.push(performance.now() - sent);
            statuses.set(response?.status ?? 0, (statuses.get(response?.status ?? 0) ?? 0) + 1);
          }
        }),
      );
    };
    // A warm-up (other users), as a ledger in service is: code compiled, the IdP's keys fetched, the deliveries' connections open.
    await deliver(0, warmup, concurrency, false);
    // Checks alongside, for about as long as the deliveries take.
    const expectedSeconds = Math.max(5, Math.ceil(measured / 300));
    const checks = checksAlongside(url, expectedSeconds + 1);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the checks' load generator is up and running
    const started = performance.now();
    await deliver(warmup, users, concurrency, true);
    const seconds = (performance.now() - started) / 1000;
    const alongside = await checks;
    // Every acknowledged (202) message must have been applied: count the SSF terminations.
    let applied = 0;
    let cursor: string | null = null;
    do {
      const page = (await (
        await fetch(`${url}/v1/tenants/load/terminations?source=ssf&limit=1000${cursor ? `&cursor=${cursor}` : ''}`, {
          headers: { authorization: `Bearer ${KEY}` },
        })
      ).json()) as { terminations: Array<{ status: string }>; next: string | null };
      applied += page.terminations.filter((t) => t.status === 'applied').length;
      cursor = page.next;
    } while (cursor);
    latencies.sort((a, b) => a - b);
    const accepted = statuses.get(202) ?? 0;
    report(
      `IdP terminations under load (${fmt(measured)} signed SETs, ${concurrency} concurrent deliveries, after ${fmt(warmup)} to warm up; ledger in its own process)`,
      [
        [
          'SSF push, CAEP session-revoked (Session-Scoped Revocation)',
          `${fmt(measured / seconds)} terminations/s, p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms   (target >= 2,000/s, p99 <= 100 ms)`,
        ],
        ['answers', [...statuses].map(([status, n]) => `${status}×${fmt(n)}`).join(' ')],
        [
          'acknowledged (202) and applied',
          `${fmt(accepted)} acknowledged, ${fmt(applied)} applied${applied >= accepted ? '' : '  (MISSING)'}`,
        ],
        [
          'POST /check alongside (10 connections, another process)',
          `${fmt(alongside.rps)} req/s, p99 ${alongside.p99} ms${alongside.errors ? `, ${alongside.errors} errors` : ''}   (target p99 <= 10 ms)`,
        ],
      ],
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await idp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
