import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BUILD = fileURLToPath(new URL('../../../services/ledger/build.mjs', import.meta.url));
const ENTRY = fileURLToPath(new URL('../../../services/ledger/dist/main.mjs', import.meta.url));

/** `npm start`'s own entry point: the bundled ledger, rebuilt first (as `npm start` does) when a source is newer than it. */
export async function ledgerEntry(): Promise<string> {
  await promisify(execFile)(process.execPath, [BUILD, '--if-stale']);
  return ENTRY;
}

export interface LedgerProcess {
  readonly child: ChildProcess;
  readonly url: string;
}

/**
 * What `npm start` sets in the ledger's environment (see the README's "Process memory"): glibc maps
 * allocations of 1 MiB and more on their own and gives them back when they are freed.
 */
export const LEDGER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '1048576' };

/**
 * Starts the ledger as a real process (as `npm start` does) with a configuration file, and
 * resolves with its address once it listens, that is once its projections have caught up.
 */
export async function startLedgerProcess(config: string, nodeOptions: readonly string[] = []): Promise<LedgerProcess> {
  const entry = await ledgerEntry();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, entry], {
      env: { ...LEDGER_ENV, ...process.env, KILLSWITCH_CONFIG: config },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve({ child, url: match[1] as string });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`ledger exited (${code}): ${output.slice(-2000)}`)));
  });
}
