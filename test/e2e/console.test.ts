import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidence, verifySealedExport } from '@killswitch/protocols';
import { buildFixtureGraph, TokenFactory } from '@killswitch/testing';
import { ensureConsoleBuilt, launchBrowser } from '../src/browser.ts';
import { KEYS, startTestLedger, type TestLedger } from '../src/test-ledger.ts';

/** Screenshots of the main pages, kept as test artifacts (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

let ledger: TestLedger;
let browser: Browser | null;
let context: BrowserContext;
let jwks: { keys: Array<Record<string, unknown>> };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ensureConsoleBuilt();
  browser = await launchBrowser();
  ledger = await startTestLedger();
  const graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
  await ledger.call('POST', '/v1/tenants/acme/facts', {
    facts: [...graph.facts, { type: 'user.linked', userId: 'alice', identifiers: [{ format: 'email', email: 'alice@example.com' }] }],
  });
  jwks = (await ledger.raw('GET', '/.well-known/jwks.json', undefined)).body;
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await ledger?.destroy();
});

async function signedIn(key: string = KEYS.admin, viewport = { width: 1280, height: 800 }): Promise<Page> {
  context = await browser!.newContext({ viewport, timezoneId: 'UTC', acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`console page error: ${error.message}\n`));
  await page.goto(`${ledger.url}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return page;
}

/** The graph's node list: `TYPE:id` → state, as the page shows it. */
async function nodeStates(page: Page): Promise<Record<string, string>> {
  await page.locator('ul.nodes li').first().waitFor();
  return page.$$eval('ul.nodes li', (items) =>
    Object.fromEntries(items.map((li) => [li.getAttribute('data-node'), li.getAttribute('data-state')])),
  );
}

describe('SOC console in a real browser', () => {
  it('serves the console offline-ready with a strict content security policy, and refuses a bad key in words', async (ctx) => {
    if (!browser) return ctx.skip();
    const response = await fetch(`${ledger.url}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//); // nothing from a CDN
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    await page.goto(`${ledger.url}/console`);
    await page.getByLabel('API key').fill('ks_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('API key was refused');
    await page.screenshot({ path: join(ARTIFACTS, 'console-sign-in.png') });
    expect(failedRequests).toEqual([]);
    await context.close();
  });

  it('finds a user by id, email and a token by id; the user page lists sessions with device, IP and user agent', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await signedIn();
    await expect.poll(() => page.locator('.who').textContent()).toContain('acme · admin');
    // Keyboard only: the search box, Enter.
    await page.locator('#global-search').focus();
    await page.keyboard.type('alice@example.com');
    await page.keyboard.press('Enter');
    const result = page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: 'alice', exact: true });
    await result.waitFor();
    await expect.poll(() => page.locator('ul.results').textContent()).toContain('matched by email');
    await page.locator('#global-search').fill('ref-R1');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'ref-R1' }).waitFor();
    await page.locator('#global-search').fill('nobody-at-all');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Nothing matches');

    await page.goto(`${ledger.url}/console/#/user/alice`);
    const row = page.locator('tr[data-session="S1"]');
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('laptop');
    expect(text).toContain('192.0.2.10');
    expect(text).toContain('Firefox');
    expect(text).toContain('Live');
    await expect.poll(() => page.getByRole('list', { name: 'Agents' }).textContent()).toContain('AG1');
    await page.screenshot({ path: join(ARTIFACTS, 'console-user.png'), fullPage: true });
    // A sign-out asks for confirmation, then ends the session (bob's: alice's graph is the next test's).
    await page.goto(`${ledger.url}/console/#/user/bob`);
    const bobRow = page.locator('tr[data-session="SB"]');
    await bobRow.waitFor();
    await page.getByRole('button', { name: 'Sign out session SB' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await bobRow.textContent()).toContain('Live');
    await page.getByRole('button', { name: 'Sign out session SB' }).click();
    await page.getByRole('button', { name: 'Confirm sign-out of SB' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Signed out: SB');
    await expect.poll(() => bobRow.textContent()).toContain('Revoked');
    await context.close();
  });

  it('draws the lineage graph with each node’s state, terminates with a confirmation, and shows the graph as of before', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await signedIn();
    await page.goto(`${ledger.url}/console/#/graph/user/alice`);
    const before = await nodeStates(page);
    expect(before).toMatchObject({
      'USER:alice': 'live',
      'SESSION:S1': 'live',
      'SESSION:S1d': 'live',
      'SESSION:S2': 'live',
      'AGENT:AG1': 'live',
    });
    expect(Object.keys(before).filter((k) => k.startsWith('TOKEN:')).length).toBe(8);
    // Cytoscape drew the same nodes on its canvas.
    expect(await page.locator('.graph').getAttribute('data-nodes')).toBe(String(Object.keys(before).length));
    expect(await page.locator('.graph canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'console-graph-before.png') });
    const beforeTermination = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Pick S2 with the keyboard, then terminate: scope, reason, blast radius, confirm.
    await page.getByRole('button', { name: 'session S2', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Terminate…' }).click();
    await page.getByLabel(/Session-Scoped Revocation/).check();
    await page.getByLabel('Reason (recorded in the audit trail)').fill('phone reported stolen');
    await page.getByRole('button', { name: 'Review blast radius' }).click();
    await expect.poll(() => page.getByTestId('preview').textContent()).toMatch(/Reaches \d+ session\(s\).*live token\(s\)/);
    expect((await nodeStates(page))['SESSION:S2']).toBe('live'); // nothing happened before the confirmation
    await page.getByRole('button', { name: 'Confirm termination' }).click();
    await expect.poll(() => page.locator('#result-heading').textContent()).toBe('Termination applied');
    expect(await page.locator('.panel.ok').textContent()).toMatch(/IPSIE SL2: (meets|does not meet) the deadline/);
    await expect.poll(async () => (await nodeStates(page))['SESSION:S2']).toBe('revoked');
    expect((await nodeStates(page))['SESSION:S1']).toBe('live');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, 'console-graph.png') });

    // As of a moment before the termination (recorded clock): S2 was live.
    await page.getByLabel('As of (your time zone)').fill(new Date(beforeTermination).toISOString().slice(0, 23));
    await page.getByLabel('Clock').selectOption('recorded');
    await page.getByRole('button', { name: 'Show as of then' }).click();
    await expect.poll(() => page.getByTestId('asof-status').textContent()).toContain('as it was at');
    await expect.poll(async () => (await nodeStates(page))['SESSION:S2']).toBe('live');
    expect(await page.getByRole('button', { name: 'Terminate…' }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'console-graph-as-of.png') });
    await page.getByRole('button', { name: 'Now' }).click();
    await expect.poll(async () => (await nodeStates(page))['SESSION:S2']).toBe('revoked');
    await page.reload();
    await expect.poll(async () => (await nodeStates(page))['SESSION:S2']).toBe('revoked');
    await page.screenshot({ path: join(ARTIFACTS, 'console-graph-after.png') }); // the README's picture
    await context.close();
  });

  it('lists terminations with filters, shows one in detail, and downloads its evidence bundle, which verifies', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await signedIn();
    await page.goto(`${ledger.url}/console/#/terminations`);
    await page.locator('tr[data-termination]').first().waitFor();
    await page.getByLabel('Source').selectOption('api');
    await page.getByLabel('Scope').selectOption('session_scoped_revocation');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('tr[data-termination]').count()).toBe(1);
    await page.getByLabel('Scope').selectOption('global_revocation');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('No terminations match');
    await page.getByLabel('Scope').selectOption('session_scoped_revocation');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('tr[data-termination] a').first().click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Termination');
    expect(await page.locator('main').textContent()).toContain('Sessions revoked: S2');
    await page.screenshot({ path: join(ARTIFACTS, 'console-termination.png'), fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download signed evidence bundle' }).click(),
    ]);
    const file = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    expect(await verifyEvidence(readFileSync(file, 'utf8'), jwks as never)).toMatchObject({ ok: true, kind: 'evidence' });

    await page.goto(`${ledger.url}/console/#/termination/no-such-termination`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Not found');
    await context.close();
  });

  it('shows the audit trail verified and exports it as a signed file that verifies', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await signedIn();
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect.poll(() => page.getByTestId('chain-status').textContent()).toContain('Hash chain verified');
    await page.screenshot({ path: join(ARTIFACTS, 'console-audit.png'), fullPage: true });
    for (const [kind, format] of [
      ['audit', 'jsonl'],
      ['events', 'csv'],
    ] as const) {
      await page.getByLabel('What').selectOption(kind);
      await page.getByLabel('Format').selectOption(format);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download export' }).click()]);
      expect(download.suggestedFilename()).toBe(`killswitch-acme-${kind}.${format}`);
      const file = join(ARTIFACTS, download.suggestedFilename());
      await download.saveAs(file);
      const text = readFileSync(file, 'utf8');
      async function* lines() {
        for (const line of text.split('\n').slice(0, -1)) yield line;
      }
      const verdict = await verifySealedExport(lines(), jwks as never);
      expect(verdict).toMatchObject({ ok: true, meta: { type: kind, format } });
    }
    await context.close();
  });

  it('hides what a read-only key cannot do; readable on a narrow screen', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await signedIn(KEYS.read, { width: 390, height: 800 });
    expect(await page.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await page.goto(`${ledger.url}/console/#/graph/session/S1`);
    await nodeStates(page);
    expect(await page.getByRole('button', { name: 'Terminate…' }).count()).toBe(0);
    await page.goto(`${ledger.url}/console/#/user/alice`);
    await page.locator('tr[data-session="S1"]').waitFor();
    expect(await page.getByRole('button', { name: /^Sign out session/ }).count()).toBe(0);
    // The page itself does not scroll sideways (wide tables scroll inside their own box).
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'console-narrow.png'), fullPage: true });
    // And the API refuses it anyway.
    const refused = await ledger.call(
      'POST',
      '/v1/tenants/acme/terminations',
      { scope: 'global_revocation', target: { type: 'user', id: 'alice' }, reason: 'x' },
      KEYS.read,
    );
    expect(refused.status).toBe(403);
    await context.close();
  });
});
