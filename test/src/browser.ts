import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'];
const CONSOLE = fileURLToPath(new URL('../../services/console/', import.meta.url));

/**
 * Debian's Chromium (or `CHROMIUM_PATH`). Where it is missing and this process may install
 * packages (root), it installs it with apt-get. Returns null when no browser can be had.
 */
export function findChromium(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : null;
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  if (process.getuid?.() === 0) {
    try {
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', timeout: 600_000 });
    } catch {
      /* no package source reachable: reported below */
    }
  }
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/** Builds the console when its static build is missing or older than its sources. */
export function ensureConsoleBuilt(): void {
  const built = join(CONSOLE, 'dist', 'index.html');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
        entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
      ),
    );
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newest(join(CONSOLE, 'src')), statSync(join(CONSOLE, 'index.html')).mtimeMs))
    return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: CONSOLE, stdio: 'inherit', timeout: 180_000 });
}

/**
 * A headless Chromium. In CI a browser that cannot start fails the suite; on a developer's
 * machine without one, the caller skips, loudly.
 */
export async function launchBrowser(): Promise<Browser | null> {
  const executablePath = findChromium();
  if (!executablePath) {
    if (process.env.CI) throw new Error('no Chromium found for the console tests: apt-get install -y chromium, or set CHROMIUM_PATH');
    process.stderr.write('\n⚠ SKIPPING the console browser tests: no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)\n\n');
    return null;
  }
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
