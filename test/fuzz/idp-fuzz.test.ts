import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startIdpHarness, type IdpHarness } from '../src/idp-harness.ts';
import type { FuzzRequest } from './mutate.ts';
import {
  backchannelLogout,
  globalTokenRevocation,
  oauthRevoke,
  opCommands,
  restTargets,
  ssfPush,
  type ErrorStyle,
  type FuzzContext,
  type Target,
} from './targets.ts';

/**
 * Property: whatever a caller sends, starting from valid messages and mutating headers, claims,
 * signatures and encodings, every endpoint answers below 500, in its protocol's documented error
 * shape, and a refused request leaves the event store exactly as it was.
 *
 * `FUZZ_RUNS` (default 2,000 per endpoint) and `FUZZ_SEED` (default fixed) steer it; a failure
 * prints the seed and the shrunk case (`npm run fuzz -- --runs 100000 --seed N` for long runs).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const TIMEOUT = Math.max(60_000, RUNS * 60);

let h: IdpHarness;
let counter = 0;
const context = (): FuzzContext => ({ idp: h.idp, next: () => ++counter });
const stats = new Map<string, Map<number, number>>();

beforeAll(async () => {
  h = await startIdpHarness();
  process.stdout.write(`fuzz: seed ${SEED} (endpoint i uses seed + i), ${RUNS} cases per endpoint\n`);
});
afterAll(async () => {
  const total = [...stats.values()].reduce((n, statuses) => n + [...statuses.values()].reduce((a, b) => a + b, 0), 0);
  process.stdout.write(`fuzz: ${total} cases sent, seed ${SEED}\n`);
  for (const [name, statuses] of stats)
    process.stdout.write(
      `fuzz: ${name}: ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}\n`,
    );
  await h?.close();
});

/** Bodies over the IdP endpoints' limit (64 KiB) may be refused before they are read. */
const IDP_BODY_LIMIT = 64 * 1024;
/** Node's HTTP server refuses larger request headers (431) before any route sees them. */
const NODE_HEADER_LIMIT = 16 * 1024;

/**
 * Sends with node:http rather than fetch: a server may answer (401 before reading the body, 413,
 * 431) and close while the client is still writing; the answer that arrived is kept, not lost to
 * the write's EPIPE.
 */
function post(url: string, request: FuzzRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = httpRequest(
      url,
      { agent: false, method: request.method, headers: { 'content-length': String(Buffer.byteLength(request.body)), ...request.headers } },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        const done = () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', done);
        response.on('error', done);
      },
    );
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    outgoing.end(request.body);
  });
}

async function send(request: FuzzRequest) {
  let response: { status: number; text: string };
  try {
    response = await post(`${h.ledger.url}${request.path}`, request);
  } catch (error) {
    // The server answered 413 (body) or 431 (headers) and closed the connection before the answer could be read.
    if (Buffer.byteLength(request.body) > IDP_BODY_LIMIT) return { status: 413, body: null, text: '', refusedUnread: true };
    const headerBytes = Object.entries(request.headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 0);
    if (headerBytes > NODE_HEADER_LIMIT) return { status: 431, body: null, text: '', refusedUnread: true };
    throw error;
  }
  const { text } = response;
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* SSE streams and empty bodies are checked as text */
  }
  return { status: response.status, body, text, refusedUnread: false };
}

/** The documented error body of each protocol. */
function isErrorShape(style: ErrorStyle, body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  if (style === 'ssf') return typeof b.err === 'string' && typeof b.description === 'string';
  if (style === 'oauth')
    return typeof b.error === 'string' && (b.error_description === undefined || typeof b.error_description === 'string');
  return typeof b.error === 'string' && /^ERR_[A-Z_]+$/.test(b.error) && typeof b.message === 'string';
}

function fuzz<C>(target: Target<C>, index: number) {
  const seed = SEED + index; // one stream per endpoint, all from the printed seed
  it(`${target.name}: never a 5xx, always its error shape, nothing appended on refusal`, { timeout: TIMEOUT }, async () => {
    const statuses = new Map<number, number>();
    stats.set(target.name, statuses);
    await fc.assert(
      fc.asyncProperty(target.cases, async (c) => {
        const request = await target.build(c, context());
        const head = await h.head();
        const response = await send(request);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${request.path} answered ${response.status}: ${response.text.slice(0, 300)}`).toBeLessThan(500);
        if (response.status >= 400) {
          if (!response.refusedUnread)
            expect(isErrorShape(target.style, response.body), `error body ${response.text.slice(0, 300)}`).toBe(true);
          // Reuse-after-revocation telemetry of earlier, accepted checks is flushed in the background: not this request's.
          const appended = (await h.ledger.runtime.store.readAll({ after: head, maxCount: 100 })).filter(
            (e) => e.event.type !== 'RevokedCredentialPresented',
          );
          expect(
            appended.map((e) => e.event.type),
            'a refused request appended events',
          ).toEqual([]);
        }
      }),
      { numRuns: RUNS, seed, endOnFailure: false },
    );
  });
}

describe('fuzzing every IdP endpoint and REST write route', () => {
  const targets = [ssfPush, opCommands, globalTokenRevocation, backchannelLogout, oauthRevoke, ...restTargets] as Array<Target<unknown>>;
  targets.forEach((target, index) => fuzz(target, index));
});
