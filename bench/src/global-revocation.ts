import { summarizeTermination } from '@killswitch/domain';
import type { Fact } from '@killswitch/ledger';
import { sessionGraph, type TenantGraph } from '@killswitch/projections';
import { caller, fmt, percentile, report, withRuntime } from './util.ts';

/** Global Revocation of a user holding 100,000 live tokens: command in → durable → index applied. */
export async function benchGlobalRevocation(tokens = 100_000, runs = 5): Promise<number> {
  return withRuntime(async ({ ledger, host }) => {
    const now = Date.now();
    for (let user = 0; user < runs; user++) {
      for (let offset = 0; offset < tokens; offset += 1000) {
        const facts: Fact[] = [];
        if (offset === 0) facts.push({ type: 'session.started', sessionId: `gr-${user}`, userId: `heavy-${user}`, startedAt: now - 1000 });
        for (let t = offset; t < offset + 1000 && t < tokens; t++) {
          facts.push({
            type: 'token.minted',
            kind: 'access',
            format: 'jwt',
            tokenId: `gr-${user}-${t}`,
            sessionId: `gr-${user}`,
            issuedAt: now - 1000,
            expiresAt: now + 600_000,
          });
        }
        await ledger.ingest(caller, facts);
      }
    }
    const kills: number[] = [];
    const afterKill: number[] = [];
    const summaries: number[] = [];
    const timings: number[] = [];
    const baseline: number[] = [];
    for (let user = 0; user < runs; user++) {
      let started = performance.now();
      const outcome = await ledger.terminate(caller, {
        scope: 'GLOBAL_REVOCATION',
        target: { type: 'USER', id: `heavy-${user}` },
        reason: 'bench',
      });
      timings.push(performance.now() - started);
      kills.push(outcome.timings?.killMs ?? NaN);
      afterKill.push((outcome.timings?.receiptMs ?? NaN) - (outcome.timings?.killMs ?? NaN));
      const expected = user === 0 ? tokens : tokens - 1; // the baseline below revoked one of this user's tokens
      if (outcome.record.applied?.ended.tokens !== expected)
        throw new Error(`expected ${expected} tokens ended, got ${outcome.record.applied?.ended.tokens}`);
      if (ledger.checkToken('bench', `gr-${user}-${tokens - 1}`).active) throw new Error('token still active after Global Revocation');
      // The receipt's summary alone (tokens tallied, residual, verdict), as the ledger computes it after the kill, without its write.
      const graph = host.state(sessionGraph).tenants.get('bench') as TenantGraph;
      const { request, revoked } = outcome.record;
      started = performance.now();
      const summary = summarizeTermination({ ...request, userId: request.userId ?? '' }, revoked, graph);
      summaries.push(performance.now() - started);
      if (summary.ended.tokens !== expected) throw new Error(`the summary counts ${summary.ended.tokens} tokens`);
      // Baseline: the same round trip for a token-level revocation (one node, no enumeration).
      started = performance.now();
      await ledger.terminate(caller, {
        scope: 'TOKEN_REVOCATION',
        target: { type: 'TOKEN', id: `gr-${(user + 1) % runs}-0` },
        reason: 'bench',
      });
      baseline.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    kills.sort((a, b) => a - b);
    afterKill.sort((a, b) => a - b);
    summaries.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    report(`Global Revocation of a user with ${fmt(tokens)} live tokens (${runs} users)`, [
      [
        'kill: decided, receipt summarised, both durably appended, index updated',
        `median ${fmt(percentile(kills, 50), 2)} ms, max ${fmt(kills.at(-1) ?? NaN, 2)} ms   (target < 10 ms)`,
      ],
      [
        'whole termination, as the caller waits for it',
        `median ${fmt(percentile(timings, 50), 2)} ms, max ${fmt(timings.at(-1) ?? NaN, 2)} ms`,
      ],
      [
        'receipt after the kill (recorded in the same commit)',
        `median ${fmt(percentile(afterKill, 50), 2)} ms, max ${fmt(afterKill.at(-1) ?? NaN, 2)} ms   (target <= 5 ms)`,
      ],
      [
        '  of which the summary (tokens tallied, residual, verdict), no write',
        `median ${fmt(percentile(summaries, 50), 2)} ms, max ${fmt(summaries.at(-1) ?? NaN, 2)} ms`,
      ],
      ['baseline: revoke one token (same path)', `median ${fmt(percentile(baseline, 50), 2)} ms`],
    ]);
    return percentile(kills, 50);
  });
}
