import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parseConfig, startRuntime, type LedgerConfig } from '@killswitch/ledger';

export const BENCH_KEY = 'ks_bench_admin_key';

export function benchConfig(dataDir: string): LedgerConfig {
  return parseConfig({
    port: 0,
    dataDir,
    logLevel: 'silent',
    tenants: [
      {
        id: 'bench',
        apiKeys: [
          { name: 'bench', sha256: createHash('sha256').update(BENCH_KEY).digest('hex'), roles: ['ingest', 'read', 'respond', 'audit'] },
        ],
      },
    ],
  });
}

/** A fresh ledger on a temp SQLite file; removed when done. */
export async function withRuntime<T>(
  work: (runtime: Awaited<ReturnType<typeof startRuntime>>, config: LedgerConfig) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-'));
  const config = benchConfig(dir);
  const runtime = await startRuntime(config);
  try {
    return await work(runtime, config);
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const caller = { tenant: 'bench', actor: 'bench', source: 'bench', correlationId: 'bench' };

export function report(title: string, rows: Array<[string, string]>): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
