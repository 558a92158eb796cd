import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../src/stalled-loop.ts', import.meta.url));

describe('the relay’s event-loop watchdog', () => {
  it('ends a process whose event loop spins on promises (no timer of its own could), and says why', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: { ...process.env, STALL_MS: '500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const started = Date.now();
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(stdout).toContain('spinning');
    expect(signal).toBe('SIGKILL');
    expect(code).toBeNull();
    expect(stderr).toMatch(/stalled-loop: event loop stalled for \d+ ms; exiting so that the supervisor restarts it/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('leaves a process whose loop keeps turning, however busy', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: { ...process.env, STALL_MS: '300', MODE: 'busy' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stdout).toBe('done true');
  }, 60_000);
});
