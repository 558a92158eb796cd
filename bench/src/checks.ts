import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RecordedEvent } from '@killswitch/event-store';
import { checkToken, revocationStatus, sessionGraph, type RevocationStatusState } from '@killswitch/projections';
import type { DomainEvent } from '@killswitch/schemas';
import { recorded, sessionStarted, subjectRevoked, tokenMinted } from '@killswitch/testing';
import { fmt, report } from './util.ts';

const record = (event: DomainEvent, recordedAt: number) => recorded(event, { tenant: 'bench', recordedAt }) as RecordedEvent;

/** The id of the bench's token `t` (a fresh string each call: the index keeps ids its own way). */
const tokenId = (t: number) => `tok-${t}`;

/** The bench's events: `tokens` live tokens over 10,000 users and `tokens / 10` sessions, 1% of sessions revoked. */
function* benchEvents(tokens: number, now: number): Generator<RecordedEvent> {
  const sessions = Math.max(1, Math.floor(tokens / 10));
  for (let s = 0; s < sessions; s++) {
    const session = { sessionId: `s${s}`, userId: `u${s % 10_000}`, deviceId: `d${s % 20_000}`, authTime: now, startedAt: now };
    yield record(sessionStarted(session), now);
  }
  for (let t = 0; t < tokens; t++) {
    const session = `s${t % sessions}`;
    const id = tokenId(t);
    const lineage = { sessions: [session], agents: [], grants: [], deviceId: `d${(t % sessions) % 20_000}` };
    const token = {
      tokenId: id,
      userId: `u${(t % sessions) % 10_000}`,
      sessionId: session,
      clientId: 'web',
      issuedAt: now,
      expiresAt: now + 3_600_000,
      lineage,
    };
    yield record(tokenMinted(token), now);
  }
  for (let s = 0; s < sessions; s += 100) {
    const revocation = { terminationId: `T${s}`, userId: `u${s % 10_000}`, subject: { type: 'SESSION' as const, id: `s${s}` }, at: now };
    yield record(subjectRevoked(revocation), now);
  }
}

/** A revocation index of the bench's events. */
export function buildIndex(tokens: number, now: number): RevocationStatusState {
  const state = revocationStatus.initialState();
  for (const event of benchEvents(tokens, now)) revocationStatus.evolve(state, event);
  return state;
}

/**
 * Memory per live token of the other hot projection, the live session graph, built from the same
 * events: it holds every live node and token with its lineage, for blast radius and receipts.
 */
function graphMemoryPerToken(tokens: number, now: number): { heap: number; arrays: number } {
  collectGarbage();
  const before = process.memoryUsage();
  const state = sessionGraph.initialState();
  for (const event of benchEvents(tokens, now)) sessionGraph.evolve(state, event);
  collectGarbage();
  const after = process.memoryUsage();
  if (state.tenants.get('bench')?.tokens.size !== tokens) throw new Error('the graph does not hold every live token');
  return { heap: (after.heapUsed - before.heapUsed) / tokens, arrays: (after.arrayBuffers - before.arrayBuffers) / tokens };
}

/** A full collection, when the process allows one (`--expose-gc` is set at run time). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export function benchChecks(tokens = 1_000_000, checks = 5_000_000): number {
  const now = Date.now();
  collectGarbage();
  const before = process.memoryUsage();
  const built = performance.now();
  const state = buildIndex(tokens, now);
  const buildMs = performance.now() - built;
  collectGarbage();
  // Nothing but the index holds what was built: the ids checked below are made after this.
  const after = process.memoryUsage();
  const heapPerToken = (after.heapUsed - before.heapUsed) / tokens;
  // Typed arrays (the token table's columns and index) live outside the JS heap.
  const arraysPerToken = (after.arrayBuffers - before.arrayBuffers) / tokens;
  const index = state.tenants.get('bench');
  const order = Array.from({ length: 1 << 16 }, () => tokenId(Math.floor(Math.random() * tokens)));
  const mask = order.length - 1;
  let revoked = 0;
  let started = performance.now();
  for (let i = 0; i < checks; i++) if (!checkToken(index, order[i & mask] as string, now).active) revoked++;
  const perSecond = checks / ((performance.now() - started) / 1000);
  // Baselines: the bare cost of one lookup per check on the same ids, in a Map and in the table's own index.
  const map = new Map(Array.from({ length: tokens }, (_, t) => [tokenId(t), t]));
  let found = 0;
  started = performance.now();
  for (let i = 0; i < checks; i++) if (map.get(order[i & mask] as string) !== undefined) found++;
  const baseline = checks / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let i = 0; i < checks; i++) if ((index?.tokens.slot(order[i & mask] as string) ?? -1) >= 0) found++;
  const slotLookup = checks / ((performance.now() - started) / 1000);
  // The index is still used below: typed arrays let go of here would be freed during the measure, not before it.
  const graph = graphMemoryPerToken(tokens, now);
  if (index?.tokens.size !== tokens) throw new Error('the index does not hold every live token');
  report(`In-process checks against a revocation index of ${fmt(tokens)} live tokens`, [
    ['index built (evolve from events)', `${fmt(buildMs)} ms, heap ${fmt(process.memoryUsage().heapUsed / 2 ** 20)} MiB`],
    [
      'memory per live token (index, sessions and lineages included)',
      `${fmt(heapPerToken + arraysPerToken, 1)} B: ${fmt(heapPerToken, 1)} B of heap, ${fmt(arraysPerToken, 1)} B of typed arrays   (target <= 100)`,
    ],
    [
      'checkToken (lineage: token, user, device, session)',
      `${fmt(perSecond)} checks/s, ${fmt(1e9 / perSecond, 1)} ns/check   (target >= 5,000,000)`,
    ],
    ['baseline: one Map.get per check', `${fmt(baseline)} lookups/s`],
    ['the token table’s own id lookup alone', `${fmt(slotLookup)} lookups/s`],
    [
      'the session graph, same events: memory per live token',
      `${fmt(graph.heap + graph.arrays, 1)} B: ${fmt(graph.heap, 1)} B of heap, ${fmt(graph.arrays, 1)} B of typed arrays`,
    ],
    ['revoked among sampled checks', `${fmt((revoked / checks) * 100, 1)}% (${found > 0 ? 'ids found' : 'none found'})`],
  ]);
  return perSecond;
}
