import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const ENFORCER = fileURLToPath(new URL('./enforcer-process.ts', import.meta.url));

/** The broker `npm test` started; null (skip, loudly) only off CI. */
export const kafkaBrokers = (): string | null => inject('kafkaBrokers');

export interface EnforcerProcess {
  readonly id: string;
  readonly url: string;
  readonly child: ChildProcess;
  check(query: Record<string, string>): Promise<{ active: boolean; reason?: string }>;
  status(): Promise<{ id: string; position: number; httpCatchUps: number; terminations: Record<string, number> }>;
  stop(): Promise<void>;
}

/** Starts an enforcer in its own process and waits until it has bootstrapped and joined the feed. */
export function startEnforcerProcess(options: {
  id: string;
  ledgerUrl: string;
  key: string;
  tenant: string;
  brokers: string;
  /** The enforcer's check that Kafka keeps up with the ledger (0: Kafka only, no HTTP catch-up). */
  stallCheckMs?: number;
}): Promise<EnforcerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENFORCER], {
      env: {
        ...process.env,
        ENFORCER_ID: options.id,
        LEDGER_URL: options.ledgerUrl,
        LEDGER_KEY: options.key,
        ENFORCER_TENANT: options.tenant,
        KAFKA_BROKERS: options.brokers,
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        ...(options.stallCheckMs === undefined ? {} : { ENFORCER_STALL_CHECK_MS: String(options.stallCheckMs) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stopping = false;
    let port: string | undefined;
    const timer = setTimeout(() => reject(new Error(`enforcer ${options.id} did not start: ${output}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      port ??= /ready (\d+)/.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      const url = `http://127.0.0.1:${port}`;
      resolve({
        id: options.id,
        url,
        child,
        check: async (query) => (await fetch(`${url}/check?${new URLSearchParams(query)}`)).json() as never,
        status: async () => (await fetch(`${url}/status`)).json() as never,
        stop: () =>
          new Promise<void>((done) => {
            stopping = true;
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    });
    child.once('exit', (code, signal) => {
      reject(new Error(`enforcer ${options.id} exited (${code}): ${output}`));
      // After it started, an exit the test did not ask for is a failure to explain: show its last words.
      if (port && !stopping) process.stderr.write(`enforcer ${options.id} exited (${code ?? signal}) unasked:\n${output.slice(-4000)}\n`);
    });
  });
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
