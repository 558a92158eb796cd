import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from './sqlite-event-store.ts';

const WRITER = fileURLToPath(new URL('./durability-writer.ts', import.meta.url));
const BATCH = 7;
const KILLS = 12;

/** Runs the writer until a random moment after it started acknowledging, then SIGKILLs it. */
function runAndKill(path: string, first: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(first), String(BATCH)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), 150 + Math.random() * 400);
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited on its own (${signal})`)),
    );
  });
}

describe('sqlite durability under SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-kill-'));
  const path = join(dir, 'events.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged batch and never half a batch, across ${KILLS} kills`, async () => {
    const acknowledged = new Set<number>();
    let next = 0;
    for (let round = 0; round < KILLS; round++) {
      for (const n of await runAndKill(path, next)) acknowledged.add(n);
      const store = new SqliteEventStore({ path });
      const all = await store.readAll({ after: 0, maxCount: 10_000_000 });
      await store.close();
      const perStream = new Map<string, number>();
      all.forEach((e, i) => {
        expect(e.position).toBe(i + 1); // gap-free
        perStream.set(e.streamId, (perStream.get(e.streamId) ?? 0) + 1);
      });
      for (const count of perStream.values()) expect(count).toBe(BATCH); // all or nothing
      for (const n of acknowledged) expect(perStream.get(`batch-${n}`)).toBe(BATCH);
      const written = [...perStream.keys()].map((s) => Number(s.slice(6)));
      next = Math.max(next, ...written.map((n) => n + 1), ...[...acknowledged].map((n) => n + 1));
      next += 4 - (next % 4); // fresh batch ids, never reused
    }
    expect(acknowledged.size).toBeGreaterThan(KILLS);
  }, 120_000);
});
