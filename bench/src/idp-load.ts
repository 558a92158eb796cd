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

const PROTOCOLS = 3;

interface Message {
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Protocol {
  readonly name: string;
  readonly path: string;
  /** The terminations' `source` filter, and the status that acknowledges a message. */
  readonly source: string;
  readonly success: number;
  readonly messages: readonly Message[];
}

/**
 * Per protocol, `users` signed messages for users of its own range: SSF push (CAEP
 * session-revoked: Session-Scoped Revocation of the session), OP Commands (`invalidate`: Global
 * Revocation), Global Token Revocation (a signed client credential each: Global Revocation).
 */
async function prepareMessages(idp: IdpSimulator, users: number): Promise<Protocol[]> {
  const ssf: Message[] = [];
  const op: Message[] = [];
  const gtr: Message[] = [];
  const commands = `${BASE}/idp/load/op/commands`;
  const gtrEndpoint = `${BASE}/idp/load/global-token-revocation`;
  for (let i = 0; i < users; i++) {
    const set = idp.set(
      `${BASE}/idp/load/ssf`,
      {
        format: 'complex',
        user: { format: 'iss_sub', iss: idp.issuer, sub: `sub-${i}` },
        session: { format: 'opaque', id: `sid-${i}` },
        tenant: { format: 'opaque', id: 'tnt-load' },
      },
      CAEP_SESSION_REVOKED,
      { initiating_entity: 'policy', event_timestamp: idp.now() },
    );
    ssf.push({
      headers: { 'content-type': 'application/secevent+jwt', authorization: PUSH },
      body: await idp.sign(set, { typ: 'secevent+jwt', alg: 'ES256' }),
    });
    const command = idp.command(commands, 'rp-load', 'tnt-load', 'invalidate', { sub: `sub-${users + i}` });
    op.push({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ command_token: await idp.sign(command, { typ: 'command+jwt', alg: 'ES256' }) }).toString(),
    });
    const credential = await idp.sign(idp.gtrCredential(gtrEndpoint, 'rp-load'), { typ: 'global-token-revocation+jwt', alg: 'ES256' });
    gtr.push({
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
      body: JSON.stringify({ sub_id: { format: 'iss_sub', iss: idp.issuer, sub: `sub-${2 * users + i}` } }),
    });
  }
  return [
    {
      name: 'SSF push, CAEP session-revoked (Session-Scoped Revocation)',
      path: '/idp/load/ssf/events',
      source: 'ssf',
      success: 202,
      messages: ssf,
    },
    {
      name: 'OP Commands, invalidate (Global Revocation)',
      path: '/idp/load/op/commands',
      source: 'op_commands',
      success: 200,
      messages: op,
    },
    {
      name: 'Global Token Revocation (Global Revocation)',
      path: '/idp/load/global-token-revocation',
      source: 'global_token_revocation',
      success: 204,
      messages: gtr,
    },
  ];
}

/** How many of the tenant's terminations from `source` are applied. */
async function appliedTerminations(url: string, source: string): Promise<number> {
  let applied = 0;
  let cursor: string | null = null;
  do {
    const page = (await (
      await fetch(`${url}/v1/tenants/load/terminations?source=${source}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${KEY}` },
      })
    ).json()) as { terminations: Array<{ status: string }>; next: string | null };
    applied += page.terminations.filter((t) => t.status === 'applied').length;
    cursor = page.next;
  } while (cursor);
  return applied;
}

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
  const users = measured + warmup; // per protocol
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
    for (let offset = 0; offset < users * PROTOCOLS; offset += 500) {
      const facts: unknown[] = [];
      for (let i = offset; i < Math.min(users * PROTOCOLS, offset + 500); i++) {
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
    // Signed before the clock starts: the bench measures the ledger, not the signer. One user per message.
    const protocols = await prepareMessages(idp, users);
    const rows: Array<[string, string]> = [];
    for (const [p, protocol] of protocols.entries()) {
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      /** Delivers `messages[from, to)` with `inFlight` deliveries; latencies recorded when `measure`. */
      const deliver = async (from: number, to: number, inFlight: number, measure: boolean) => {
        let next = from;
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            for (let i = next++; i < to; i = next++) {
              const message = protocol.messages[i] as Message;
              const sent = performance.now();
              const response = await fetch(`${url}${protocol.path}`, {
                method: 'POST',
                headers: message.headers,
                body: message.body,
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
      const checks = checksAlongside(url, Math.max(5, Math.ceil(measured / 300)) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the checks' load generator is up and running
      const started = performance.now();
      await deliver(warmup, users, concurrency, true);
      const seconds = (performance.now() - started) / 1000;
      const alongside = await checks;
      // Every acknowledged message must have been applied: count the protocol's terminations.
      const applied = await appliedTerminations(url, protocol.source);
      latencies.sort((a, b) => a - b);
      const accepted = statuses.get(protocol.success) ?? 0;
      rows.push(
        [
          protocol.name,
          `${fmt(measured / seconds)} terminations/s, p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms   (target >= 2,000/s, p99 <= 100 ms)`,
        ],
        ['  answers', [...statuses].map(([status, n]) => `${status}×${fmt(n)}`).join(' ')],
        [
          `  acknowledged (${protocol.success}) and applied`,
          `${fmt(accepted)} acknowledged, ${fmt(applied)} applied${applied >= accepted ? '' : '  (MISSING)'}`,
        ],
        [
          '  POST /check alongside (10 connections, another process)',
          `${fmt(alongside.rps)} req/s, p99 ${alongside.p99} ms${alongside.errors ? `, ${alongside.errors} errors` : ''}   (target p99 <= 10 ms)`,
        ],
      );
      if (p < protocols.length - 1) rows.push(['', '']);
    }
    report(
      `IdP terminations under load (${fmt(measured)} signed messages per protocol, one user each, ${concurrency} concurrent deliveries, after ${fmt(warmup)} to warm up; ledger in its own process)`,
      rows,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await idp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
