import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runLoad, startLedger, type LoadResult } from './processes.ts';
import { fmt, report } from './util.ts';

const PEER = (name: string) => fileURLToPath(new URL(`./peers/${name}.ts`, import.meta.url));
const KEY = 'ks_bench_peers_key';

interface Target {
  readonly name: string;
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Starts a node process and resolves with the first stdout line matching `pattern`; the rest is drained. */
function startProcess(
  args: string[],
  pattern: RegExp,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let found = false;
    const read = (chunk: Buffer) => {
      if (found) return; // drained: logs go nowhere, and nothing accumulates here
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        found = true;
        resolve({ child, match });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => !found && reject(new Error(`${args[0]} exited (${code}): ${output.slice(-2000)}`)));
  });
}

/** One autocannon run, in its own process (the load must not share the server's CPU time slices). */
const load = (target: Target, seconds: number, connections: number) =>
  runLoad({ url: target.url, body: target.body, headers: target.headers, seconds, connections });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * `npm run bench -- peers`: Killswitch's /check and /introspect beside a fastify constant endpoint
 * and oidc-provider's RFC 7662 introspection, each server in its own process, the load from
 * another, interleaved rounds, medians.
 */
export async function benchPeers(tokens = 100_000, seconds = 5, rounds = 3, connections = 50): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-peers-'));
  const children: ChildProcess[] = [];
  try {
    const config = join(dir, 'config.json');
    const port = await freePort(); // known in advance: the ledger may log only warnings
    writeFileSync(
      config,
      JSON.stringify({
        port,
        dataDir: join(dir, 'data'),
        // As `npm start` runs it (every request logged), unless KS_PEERS_LOG_LEVEL says otherwise (to measure logging's cost).
        logLevel: process.env.KS_PEERS_LOG_LEVEL ?? 'info',
        maxFactsPerBatch: 1001,
        tenants: [
          {
            id: 'peers',
            apiKeys: [{ name: 'bench', sha256: createHash('sha256').update(KEY).digest('hex'), roles: ['ingest', 'read'] }],
          },
        ],
      }),
    );
    const ledger = await startLedger(config, port, process.env.KS_PEERS_PROFILE);
    children.push(ledger.child);
    const ledgerUrl = ledger.url;
    const auth = { authorization: `Bearer ${KEY}` };
    const now = Date.now();
    for (let offset = 0; offset < tokens; offset += 1000) {
      const facts: unknown[] = offset === 0 ? [{ type: 'session.started', sessionId: 'peers', userId: 'u', startedAt: now }] : [];
      for (let t = offset; t < offset + 1000; t++)
        facts.push({
          type: 'token.minted',
          kind: 'access',
          format: 'jwt',
          tokenId: `p${t}`,
          sessionId: 'peers',
          issuedAt: now,
          expiresAt: now + 3_600_000,
        });
      const response = await fetch(`${ledgerUrl}/v1/tenants/peers/facts`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ facts }),
      });
      if (!response.ok) throw new Error(`ingest answered ${response.status}`);
    }
    const fastify = await startProcess([PEER('fastify-constant')], /^(\{.*\})$/m);
    children.push(fastify.child);
    const provider = await startProcess([PEER('oidc-provider')], /^(\{.*\})$/m);
    children.push(provider.child);
    const op = JSON.parse(provider.match[1] as string) as { url: string; token: string; authorization: string };
    const tokenId = `p${tokens >> 1}`;
    const targets: Target[] = [
      {
        name: 'fastify answering a constant (ceiling)',
        url: `${(JSON.parse(fastify.match[1] as string) as { url: string }).url}/check`,
        body: JSON.stringify({ tokenId }),
        headers: { 'content-type': 'application/json' },
      },
      {
        name: 'Killswitch POST /check {tokenId}',
        url: `${ledgerUrl}/v1/tenants/peers/check`,
        body: JSON.stringify({ tokenId }),
        headers: { ...auth, 'content-type': 'application/json' },
      },
      {
        name: 'Killswitch POST /introspect (RFC 7662)',
        url: `${ledgerUrl}/v1/tenants/peers/introspect`,
        body: `token=${tokenId}`,
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      },
      {
        name: 'oidc-provider RFC 7662 introspection',
        url: `${op.url}/token/introspection`,
        body: `token=${op.token}`,
        headers: { authorization: op.authorization, 'content-type': 'application/x-www-form-urlencoded' },
      },
    ];
    const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
    const only = process.env.KS_PEERS_ONLY; // a part of one target's name, to profile it alone
    for (let round = 0; round < rounds; round++)
      for (const target of targets)
        if (!only || target.name.includes(only)) results.get(target.name)?.push(await load(target, seconds, connections));
    const summary = new Map(
      targets.map((t) => {
        const runs = results.get(t.name) ?? [];
        return [
          t.name,
          { rps: median(runs.map((r) => r.rps)), p99: median(runs.map((r) => r.p99)), errors: runs.reduce((n, r) => n + r.errors, 0) },
        ];
      }),
    );
    const ceiling = summary.get(targets[0]!.name)!.rps;
    const peer = summary.get(targets[3]!.name)!.rps;
    report(
      `HTTP peers (autocannon in its own process, ${connections} connections, ${rounds} interleaved rounds of ${seconds} s, medians; index of ${fmt(tokens)} live tokens)`,
      targets
        .filter((t) => (results.get(t.name) ?? []).length > 0)
        .map((t) => {
          const r = summary.get(t.name)!;
          return [
            t.name,
            `${fmt(r.rps)} req/s (${fmt(r.rps / ceiling, 2)}× fastify, ${fmt(r.rps / peer, 2)}× oidc-provider), p99 ${r.p99} ms${r.errors ? `, ${r.errors} errors` : ''}`,
          ];
        }) as Array<[string, string]>,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
