/** Servers and load generators in processes of their own, for benches that must not share the measured server's CPU. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LEDGER_ENV, ledgerEntry } from '@killswitch/testing';

const LOAD = fileURLToPath(new URL('./peers/load.ts', import.meta.url));

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A port free now, so a ledger's URL is known before it starts (it may log only warnings). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the ledger with `npm start`'s entry on `config` (which listens on `port`), its logs
 * drained to nowhere, and resolves once `/readyz` answers 200. `profileDir` writes its CPU profile.
 */
export async function startLedger(config: string, port: number, profileDir?: string): Promise<{ child: ChildProcess; url: string }> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, await ledgerEntry()], {
    env: { ...LEDGER_ENV, ...process.env, KILLSWITCH_CONFIG: config },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    const response = await fetch(`${url}/readyz`).catch(() => null);
    await response?.arrayBuffer();
    if (response?.status === 200) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`${url} never became ready`);
}

/** One autocannon run (POST) from its own process. */
export function runLoad(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  seconds: number;
  connections: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load exited ${code}`))));
  });
}
