import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Enforcer } from '@killswitch/enforcer';
import { buildApp, type Fact } from '@killswitch/ledger';
import { startRelay } from '@killswitch/relay';
import { BENCH_KEY, caller, fmt, percentile, report, withRuntime } from './util.ts';

/** Terminal colour codes some tools print even in batch mode. */
const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

const KAFKA = fileURLToPath(new URL('../../infra/kafka/kafka.sh', import.meta.url));

/**
 * End-to-end propagation over a real Kafka: termination received by the ledger → every enforcer
 * has applied it. Sequential terminations, so each one's latency is measured alone.
 */
export async function benchPropagation(terminations = 1000, enforcerCounts = [1, 10]): Promise<void> {
  const brokers = execFileSync('bash', [KAFKA, 'start', 'single'], { encoding: 'utf8' })
    .replace(ANSI_ESCAPES, '')
    .trim()
    .split('\n')
    .pop() as string;
  try {
    for (const count of enforcerCounts) await run(brokers, count, terminations);
  } finally {
    execFileSync('bash', [KAFKA, 'stop', 'single']);
  }
}

async function run(brokers: string, enforcerCount: number, terminations: number): Promise<void> {
  await withRuntime(async (runtime, config) => {
    const now = Date.now();
    const facts: Fact[] = [];
    for (let i = 0; i < 1000; i++) facts.push({ type: 'session.started', sessionId: `live${i}`, userId: `u${i % 50}`, startedAt: now });
    for (let i = 0; i < terminations; i++) {
      facts.push({ type: 'session.started', sessionId: `p${i}`, userId: `u${i % 50}`, startedAt: now });
      facts.push({
        type: 'token.minted',
        kind: 'access',
        format: 'jwt',
        tokenId: `pt${i}`,
        sessionId: `p${i}`,
        issuedAt: now,
        expiresAt: now + 600_000,
      });
    }
    for (let i = 0; i < facts.length; i += 1000) await runtime.ledger.ingest(caller, facts.slice(i, i + 1000));
    const app = await buildApp({ config, ledger: runtime.ledger, store: runtime.store, host: runtime.host, logger: false });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const relay = await startRelay({ dataDir: config.dataDir, brokers: brokers.split(',') });
    const enforcers = Array.from(
      { length: enforcerCount },
      (_, i) =>
        new Enforcer({
          tenant: 'bench',
          ledgerUrl: url,
          apiKey: BENCH_KEY,
          brokers: brokers.split(','),
          enforcerId: `bench-${enforcerCount}-${i}-${Date.now()}`,
        }),
    );
    await Promise.all(enforcers.map((e) => e.start()));
    const latencies: number[] = [];
    // Where the time goes, per termination: ledger append, relay publish, broker to the slowest enforcer's apply, status back.
    const stages = { append: [] as number[], publish: [] as number[], deliver: [] as number[], statusBack: [] as number[] };
    const applied: Array<{ id: string; at: number }> = [];
    try {
      for (let i = 0; i < terminations; i++) {
        const started = Date.now();
        const { record } = await runtime.ledger.terminate(caller, {
          scope: 'SESSION_SCOPED_REVOCATION',
          target: { type: 'SESSION', id: `p${i}` },
          reason: 'bench',
        });
        const appended = Date.now();
        const id = record.terminationId;
        while (!enforcers.every((e) => e.replica.terminationsApplied.has(id))) await new Promise((r) => setImmediate(r));
        const last = Math.max(...enforcers.map((e) => e.replica.terminationsApplied.get(id) as number));
        latencies.push(last - started);
        const published = Math.min(...enforcers.map((e) => e.feedPublishedAt.get(id) ?? Infinity));
        stages.append.push(appended - started);
        stages.publish.push(published - appended);
        stages.deliver.push(last - published);
        applied.push({ id, at: last });
      }
      // Status back: the ledger has recorded every enforcer's acknowledgement (TerminationPropagated).
      for (const { id, at } of applied) {
        for (let wait = 0; wait < 300; wait++) {
          const acks = (await runtime.store.readStream(`termination-bench:${id}`)).filter((e) => e.event.type === 'TerminationPropagated');
          if (acks.length >= enforcerCount) {
            stages.statusBack.push(Math.max(...acks.map((e) => e.recordedAt)) - at);
            break;
          }
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    } finally {
      await Promise.all(enforcers.map((e) => e.stop()));
      await relay.stop();
      await app.close();
    }
    latencies.sort((a, b) => a - b);
    const check = enforcers[0]?.replica;
    let active = 0;
    const checks = 2_000_000;
    const begin = performance.now();
    const iat = Math.floor(now / 1000) - 1;
    const live = Array.from({ length: 1000 }, (_, i) => ({ sub: `u${i % 50}`, sid: `live${i}`, iat }));
    const revoked = Array.from({ length: 1000 }, (_, i) => ({ sub: `u${i % 50}`, sid: `p${i % terminations}`, iat }));
    for (let i = 0; i < checks; i++) if (check?.check(live[i % 1000] as never).active) active++;
    const perSecond = checks / ((performance.now() - begin) / 1000);
    const revokedBegin = performance.now();
    for (let i = 0; i < checks / 10; i++) if (check?.check(revoked[i % 1000] as never).active) active++;
    const revokedPerSecond = checks / 10 / ((performance.now() - revokedBegin) / 1000);
    const stage = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `p50 ${fmt(percentile(sorted, 50), 1)} ms, p99 ${fmt(percentile(sorted, 99), 1)} ms`;
    };
    report(`Propagation over real Kafka, ${terminations} terminations, ${enforcerCount} enforcer(s)`, [
      [
        'message received → every enforcer applied',
        `p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms, max ${fmt(latencies.at(-1) ?? NaN, 1)} ms   (target p99 <= 20 ms with 10)`,
      ],
      ['  1. ledger: decided, appended durably, applied to its index', stage(stages.append)],
      ['  2. relay: read from the store, published (producer timestamp)', stage(stages.publish)],
      ['  3. broker → the slowest enforcer applied it', stage(stages.deliver)],
      [`  4. status back: the ledger recorded all ${enforcerCount} acknowledgements`, stage(stages.statusBack)],
      [
        'enforcer SDK check(claims) of a live token, local replica',
        `${fmt(perSecond)} checks/s, ${fmt(1e9 / perSecond, 1)} ns/check (${fmt(active)} active)`,
      ],
      [
        'baseline: check(claims) of a revoked token (detailed answer)',
        `${fmt(revokedPerSecond)} checks/s, ${fmt(1e9 / revokedPerSecond, 1)} ns/check`,
      ],
    ]);
  });
}
