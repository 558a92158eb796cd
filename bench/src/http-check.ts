import autocannon from 'autocannon';
import { buildApp, type Fact } from '@killswitch/ledger';
import { BENCH_KEY, caller, fmt, report, withRuntime } from './util.ts';

async function load(url: string, path: string, body: string | undefined, seconds: number) {
  const result = await autocannon({
    url: `${url}${path}`,
    method: body ? 'POST' : 'GET',
    connections: 32,
    pipelining: 1,
    duration: seconds,
    headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
    ...(body ? { body } : {}),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** HTTP check requests per second with p50/p99, against /healthz as a baseline in the same run. */
export async function benchHttpCheck(tokens = 100_000, seconds = 8): Promise<void> {
  await withRuntime(async (runtime, config) => {
    const now = Date.now();
    for (let offset = 0; offset < tokens; offset += 1000) {
      const facts: Fact[] = offset === 0 ? [{ type: 'session.started', sessionId: 'http', userId: 'u', startedAt: now }] : [];
      for (let t = offset; t < offset + 1000; t++)
        facts.push({
          type: 'token.minted',
          kind: 'access',
          format: 'jwt',
          tokenId: `h${t}`,
          sessionId: 'http',
          issuedAt: now,
          expiresAt: now + 3_600_000,
        });
      await runtime.ledger.ingest(caller, facts);
    }
    const app = await buildApp({ config, ledger: runtime.ledger, store: runtime.store, host: runtime.host, logger: false });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const baseline = await load(url, '/healthz', undefined, seconds);
      const byId = await load(url, '/v1/tenants/bench/check', JSON.stringify({ tokenId: `h${tokens >> 1}` }), seconds);
      const byClaims = await load(
        url,
        '/v1/tenants/bench/check',
        JSON.stringify({ claims: { sub: 'u', sid: 'http', jti: 'unseen', iat: Math.floor(now / 1000) } }),
        seconds,
      );
      const row = (r: Awaited<ReturnType<typeof load>>) =>
        `${fmt(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${r.errors ? `, ${r.errors} errors` : ''}`;
      report(`HTTP checks (autocannon, 32 connections, ${seconds} s each, index of ${fmt(tokens)} tokens)`, [
        ['POST /check {tokenId}', row(byId)],
        ['POST /check {claims}', row(byClaims)],
        ['baseline: GET /healthz (no auth, no lookup)', row(baseline)],
      ]);
    } finally {
      await app.close();
    }
  });
}
