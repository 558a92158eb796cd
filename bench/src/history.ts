import type { RecordedEvent } from '@killswitch/event-store';
import { revocationStatus, sessionGraph } from '@killswitch/projections';
import type { DomainEvent } from '@killswitch/schemas';
import { recorded, sessionStarted, tokenMinted } from '@killswitch/testing';
import { collectGarbage } from './checks.ts';
import { fmt, report } from './util.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Feeds the two hot projections `history` sessions that have all ended (each with a grant, an
 * agent and two tokens, half signed out, the rest expired), spread over days of recorded time,
 * then a live set of 10,000 sessions with 10 tokens each. Returns the heap the states hold.
 */
function heapAfter(history: number): { heap: number; events: number; ms: number; sessions: number; tokens: number } {
  const rs = revocationStatus.initialState();
  const sg = sessionGraph.initialState();
  const start = Date.UTC(2026, 0, 1);
  const end = start + Math.max(1, history) * 2_000; // one session every 2 s of recorded time
  let events = 0;
  const feed = (event: DomainEvent, at: number) => {
    const r = recorded(event, { tenant: 'bench', recordedAt: at, position: ++events }) as RecordedEvent;
    revocationStatus.evolve(rs, r);
    sessionGraph.evolve(sg, r);
  };
  collectGarbage();
  const before = process.memoryUsage();
  const started = performance.now();
  for (let s = 0; s < history; s++) {
    const at = start + s * 2_000;
    const sessionId = `hist-${s}`;
    const userId = `u${s % 50_000}`;
    const lineage = { sessions: [sessionId], agents: [], grants: [], deviceId: `d${s % 80_000}` };
    feed(sessionStarted({ sessionId, userId, deviceId: lineage.deviceId, authTime: at, startedAt: at, expiresAt: at + 8 * HOUR }), at);
    feed(
      {
        type: 'GrantIssued',
        data: {
          grantId: `g-${s}`,
          userId,
          sessionId,
          agentId: null,
          clientId: 'web',
          offlineAccess: false,
          scope: null,
          issuedAt: at,
          expiresAt: at + 2 * HOUR,
          lineage,
        },
      },
      at,
    );
    feed(
      {
        type: 'AgentSpawned',
        data: {
          agentId: `a-${s}`,
          userId,
          sessionId,
          parentAgentId: null,
          grantId: null,
          runtimeUrl: null,
          taskId: null,
          spawnedAt: at,
          lineage,
        },
      },
      at,
    );
    for (let t = 0; t < 2; t++)
      feed(
        tokenMinted({ tokenId: `${sessionId}-t${t}`, userId, sessionId, clientId: 'web', issuedAt: at, expiresAt: at + HOUR, lineage }),
        at,
      );
    feed({ type: 'AgentEnded', data: { agentId: `a-${s}`, userId, reason: 'done', endedAt: at + MINUTE } }, at + MINUTE);
    if (s % 2 === 0) feed({ type: 'SessionEnded', data: { sessionId, userId, endedAt: at + MINUTE, reason: 'logout' } }, at + MINUTE);
  }
  // The live set, recorded a day after the history.
  const now = end + 24 * HOUR;
  for (let s = 0; s < 10_000; s++) {
    const sessionId = `live-${s}`;
    const userId = `u${s % 50_000}`;
    const lineage = { sessions: [sessionId], agents: [], grants: [], deviceId: `d${s % 80_000}` };
    feed(sessionStarted({ sessionId, userId, deviceId: lineage.deviceId, authTime: now, startedAt: now, expiresAt: now + 8 * HOUR }), now);
    for (let t = 0; t < 10; t++)
      feed(tokenMinted({ tokenId: `${sessionId}-t${t}`, userId, sessionId, issuedAt: now, expiresAt: now + HOUR, lineage }), now);
  }
  const ms = performance.now() - started;
  collectGarbage();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  const graph = sg.tenants.get('bench');
  const result = { heap, events, ms, sessions: graph?.sessions.size ?? 0, tokens: graph?.tokens.size ?? 0 };
  return result;
}

/**
 * `npm run bench -- history`: memory of the hot projections must follow the live set, not history.
 * The figure is what a quarter of the history to all of it adds (the users and devices it brings
 * are the same population in both), beside the live set alone.
 */
export function benchHistory(history = 1_000_000): void {
  const baseline = heapAfter(0);
  const quarter = heapAfter(history / 4);
  const whole = heapAfter(history);
  const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;
  const line = (run: ReturnType<typeof heapAfter>) =>
    `${mib(run.heap)} held (sessions ${fmt(run.sessions)}, tokens ${fmt(run.tokens)}), ${fmt(run.events / (run.ms / 1000))} events/s`;
  report('Hot projections (revocation index + session graph) after history, in-process', [
    ['baseline: the live set alone (10,000 sessions, 100,000 tokens)', line(baseline)],
    [`after ${fmt(history / 4)} ended sessions of history (${fmt(quarter.events)} events)`, line(quarter)],
    [`after ${fmt(history)} ended sessions of history (${fmt(whole.events)} events)`, line(whole)],
    [
      `what the other ${fmt((history * 3) / 4)} sessions of history added`,
      `${mib(whole.heap - quarter.heap)}: ${fmt((whole.heap - quarter.heap) / ((history * 3) / 4), 1)} B per historical session   (target: 0, memory follows the live set)`,
    ],
  ]);
}
