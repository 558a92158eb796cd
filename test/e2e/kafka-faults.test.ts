import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Enforcer } from '@killswitch/enforcer';
import { FileCheckpoint } from '@killswitch/relay';
import { startTestLedger, type TestLedger } from '../src/test-ledger.ts';
import { kafkaBrokers, startEnforcerProcess, waitUntil, type EnforcerProcess } from '../src/kafka-harness.ts';
import { stripAnsi } from '../kafka-global-setup.ts';

const brokers = kafkaBrokers();
const KAFKA = fileURLToPath(new URL('../../infra/kafka/kafka.sh', import.meta.url));
const RELAY = fileURLToPath(new URL('../src/relay-process.ts', import.meta.url));
const kafka = (...args: string[]) =>
  stripAnsi(execFileSync('bash', [KAFKA, ...args], { encoding: 'utf8', timeout: 180_000 }))
    .trim()
    .split('\n')
    .pop() as string;

function startRelayProcess(dataDir: string, bootstrap: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RELAY], {
      env: { ...process.env, RELAY_DATA_DIR: dataDir, KAFKA_BROKERS: bootstrap, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('relay ready')) resolve(child);
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
      if (c.toString().includes('event loop stalled')) process.stderr.write(`[kafka-faults] ${c.toString()}`);
    });
    child.once('exit', (code, signal) => signal !== 'SIGKILL' && reject(new Error(`relay exited ${code}: ${output}`)));
  });
}

/**
 * The relay as a supervisor runs it: its own process, started again whenever it exits (its
 * watchdog ends it if KafkaJS ever stops its event loop), resuming from its checkpoints.
 */
function superviseRelay(dataDir: string, bootstrap: string) {
  let child: ChildProcess | undefined;
  let stopped = false;
  const launch = async (): Promise<void> => {
    while (!stopped) {
      try {
        const started = await startRelayProcess(dataDir, bootstrap, { RELAY_STALL_MS: '15000' });
        child = started;
        started.once('exit', () => void (child === started && !stopped && launch()));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1000)); // e.g. no broker to connect to yet
      }
    }
  };
  const ready = launch();
  return {
    ready,
    async stop(): Promise<void> {
      stopped = true;
      const last = child;
      if (!last || last.exitCode !== null || last.signalCode !== null) return;
      const exited = new Promise((resolve) => last.once('exit', resolve));
      last.kill('SIGTERM');
      const timer = setTimeout(() => last.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Ingests `count` sessions with one token each and revokes every token, one termination each. */
async function revokeMany(ledger: TestLedger, prefix: string, count: number): Promise<string[]> {
  const now = Date.now();
  const facts = [];
  for (let i = 0; i < count; i++) {
    facts.push({ type: 'session.started', sessionId: `${prefix}-s${i}`, userId: `${prefix}-u${i % 7}`, startedAt: now });
    facts.push({
      type: 'token.minted',
      kind: 'access',
      format: 'reference',
      tokenId: `${prefix}-t${i}`,
      sessionId: `${prefix}-s${i}`,
      issuedAt: now,
      expiresAt: now + 600_000,
    });
  }
  expect((await ledger.call('POST', '/v1/tenants/acme/facts', { facts })).status).toBe(200);
  const ids = [];
  for (let i = 0; i < count; i++) {
    await ledger.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'token_revocation',
      target: { type: 'token', id: `${prefix}-t${i}` },
      reason: 'fault test',
    });
    ids.push(`${prefix}-t${i}`);
  }
  return ids;
}

const isRevoked = (result: { active: boolean }) => 'reason' in result && result.reason === 'revoked';

/** Every token refused as revoked (an enforcer that never heard of a token refuses it too, as unknown). */
async function allRevoked(enforcer: EnforcerProcess, tokens: string[]): Promise<boolean> {
  for (const tokenId of tokens) if (!isRevoked(await enforcer.check({ tokenId }))) return false;
  return true;
}

describe.skipIf(brokers === null)('faults: no notice is lost', () => {
  let ledger: TestLedger;
  let enforcer: EnforcerProcess | undefined;
  let relayProcess: ChildProcess | undefined;
  let stopRelay: (() => Promise<void>) | undefined;
  afterEach(async () => {
    relayProcess?.kill('SIGKILL');
    await stopRelay?.();
    await enforcer?.stop();
    await ledger?.destroy();
    stopRelay = undefined;
    relayProcess = undefined;
    enforcer = undefined;
  });

  it('the relay killed with SIGKILL mid-batch resumes from its checkpoint', async () => {
    ledger = await startTestLedger();
    enforcer = await startEnforcerProcess({
      id: `kill-relay-${Date.now()}`,
      ledgerUrl: ledger.url,
      key: 'ks_test_acme_read',
      tenant: 'acme',
      brokers: brokers as string,
      // Kafka only: what reaches the enforcer is what the relay published after its restart.
      stallCheckMs: 0,
    });
    relayProcess = await startRelayProcess(ledger.dataDir, brokers as string);
    const revoking = revokeMany(ledger, 'k', 300);
    await new Promise((r) => setTimeout(r, 400 + Math.random() * 600));
    relayProcess.kill('SIGKILL'); // mid-batch, while terminations are still being appended
    const tokens = await revoking;
    const checkpoint = new FileCheckpoint(`${ledger.dataDir}/relay/feed.checkpoint.json`).read();
    expect(checkpoint).toBeLessThan(await ledger.runtime.store.headPosition());
    relayProcess = await startRelayProcess(ledger.dataDir, brokers as string);
    await waitUntil(() => allRevoked(enforcer as EnforcerProcess, tokens), 60_000, 'every revocation reaches the enforcer');
  }, 120_000);

  it('the broker killed during propagation and restarted: delivery resumes, nothing lost', async () => {
    const cluster = kafka('start', 'cluster');
    try {
      ledger = await startTestLedger();
      enforcer = await startEnforcerProcess({
        id: `kill-broker-${Date.now()}`,
        ledgerUrl: ledger.url,
        key: 'ks_test_acme_read',
        tenant: 'acme',
        brokers: cluster,
      });
      // The relay in its own process under a supervisor: a relay stuck in KafkaJS cannot stall this test's worker.
      const supervised = superviseRelay(ledger.dataDir, cluster);
      stopRelay = () => supervised.stop();
      await supervised.ready;
      const first = await revokeMany(ledger, 'a', 50);
      await waitUntil(() => allRevoked(enforcer as EnforcerProcess, first), 30_000, 'first wave');

      // One broker of three is killed (kill -9: a crash, no controlled shutdown): delivery continues.
      // KafkaJS may spend a minute or more in its retries; the enforcer notices that Kafka is behind
      // the ledger and reads the gap over HTTP.
      kafka('kill-node', 'cluster', '2');
      const second = await revokeMany(ledger, 'b', 50);
      await waitUntil(() => allRevoked(enforcer as EnforcerProcess, second), 60_000, 'second wave with a broker down');

      // Every broker dies during propagation: revocations still arrive (over HTTP); nothing is lost.
      kafka('kill-node', 'cluster', '1');
      kafka('kill-node', 'cluster', '3');
      const third = await revokeMany(ledger, 'c', 50);
      await waitUntil(() => allRevoked(enforcer as EnforcerProcess, third), 60_000, 'third wave with every broker down');
      expect((await (enforcer as EnforcerProcess).status()).httpCatchUps).toBeGreaterThan(0);

      // The cluster comes back: Kafka carries the feed again on its own (a wave arrives with no
      // HTTP catch-up), after KafkaJS's reconnection.
      kafka('start-node', 'cluster', '1', '2', '3');
      let wave = 0;
      await waitUntil(
        async () => {
          const before = (await (enforcer as EnforcerProcess).status()).httpCatchUps;
          const tokens = await revokeMany(ledger, `d${wave++}`, 5);
          await waitUntil(() => allRevoked(enforcer as EnforcerProcess, tokens), 30_000, 'a wave after the cluster restarted');
          return (await (enforcer as EnforcerProcess).status()).httpCatchUps === before;
        },
        150_000,
        'Kafka delivering again after the cluster restarted',
      );
    } finally {
      await stopRelay?.();
      stopRelay = undefined;
      await enforcer?.stop();
      enforcer = undefined;
      kafka('kill', 'cluster');
    }
  }, 400_000);
});

afterAll(() => {
  try {
    kafka('kill', 'cluster');
  } catch {
    /* not started */
  }
});

describe.skipIf(brokers === null)('an enforcer whose Kafka feed falls silent', () => {
  it('reads what Kafka has not brought over the ledger’s HTTP feed, and reports it', async () => {
    // No relay publishes this ledger's feed: Kafka (a real broker) stays silent.
    const ledger = await startTestLedger();
    const errors: string[] = [];
    const enforcer = new Enforcer({
      tenant: 'acme',
      ledgerUrl: ledger.url,
      apiKey: 'ks_test_acme_read',
      brokers: (brokers as string).split(','),
      enforcerId: `silent-kafka-${Date.now()}`,
      stallCheckMs: 200,
      onError: (error) => errors.push(String(error)),
    });
    try {
      await enforcer.start();
      const tokens = await revokeMany(ledger, 's', 5);
      await waitUntil(() => tokens.every((tokenId) => isRevoked(enforcer.replica.checkToken(tokenId))), 20_000, 'revocations over HTTP');
      expect(enforcer.httpCatchUps).toBeGreaterThan(0);
      expect(errors.some((e) => e.includes('Kafka feed behind the ledger'))).toBe(true);
      // Caught up, it stops catching up: the next checks find nothing missing.
      const settled = enforcer.httpCatchUps;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(enforcer.httpCatchUps).toBe(settled);
    } finally {
      await enforcer.stop();
      await ledger.destroy();
    }
  }, 120_000);
});
