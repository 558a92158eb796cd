import type { Fact } from '@killswitch/ledger';
import { caller, fmt, report, withRuntime } from './util.ts';

/** One session and its tokens: the shape of a real login burst. */
function batch(offset: number, size: number, now: number): Fact[] {
  const facts: Fact[] = [];
  for (let i = 0; facts.length < size; i++) {
    const session = `s${offset}-${i}`;
    facts.push({ type: 'session.started', sessionId: session, userId: `u${(offset + i) % 5000}`, startedAt: now });
    for (let t = 0; t < 9 && facts.length < size; t++) {
      facts.push({
        type: 'token.minted',
        kind: 'access',
        format: 'jwt',
        tokenId: `${session}-t${t}`,
        sessionId: session,
        issuedAt: now,
        expiresAt: now + 3_600_000,
      });
    }
  }
  return facts;
}

/** Facts ingested per second into the embedded store, durably (fsync per group commit). */
export async function benchIngest(total = 200_000, batchSize = 1000): Promise<{ batched: number; single: number }> {
  const now = Date.now();
  const batched = await withRuntime(async ({ ledger }) => {
    const started = performance.now();
    // Four writers in flight, as four HTTP clients would be: group commit shares the fsyncs.
    const batches = Array.from({ length: total / batchSize }, (_, i) => batch(i * batchSize, batchSize, now));
    for (let i = 0; i < batches.length; i += 4) await Promise.all(batches.slice(i, i + 4).map((b) => ledger.ingest(caller, b)));
    return total / ((performance.now() - started) / 1000);
  });
  const singleCount = 2000;
  const single = await withRuntime(async ({ ledger }) => {
    const facts = batch(0, singleCount, now);
    const started = performance.now();
    for (const fact of facts) await ledger.ingest(caller, [fact]);
    return singleCount / ((performance.now() - started) / 1000);
  });
  report('Ingest into the embedded store (durable: WAL, synchronous=FULL)', [
    [`batched (${batchSize} facts/request, 4 in flight, ${fmt(total)} facts)`, `${fmt(batched)} facts/s   (target >= 20,000)`],
    [`baseline: one fact per request, sequential (${fmt(singleCount)} facts)`, `${fmt(single)} facts/s`],
  ]);
  return { batched, single };
}
