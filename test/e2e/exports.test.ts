import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEvidence, verifyEvidence, verifySealedExport, type SigningKey } from '@killswitch/protocols';
import { endpoint, IDP_TENANT, KEYS, PUSH_AUTHORIZATION, startIdpHarness, type IdpHarness } from '../src/index.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../services/ledger/src/cli.ts', import.meta.url));
/** Runs the CLI; resolves with its output and exit code, whatever the code. */
const cli = (args: string[]): Promise<{ stdout: string; stderr: string; code: number }> =>
  run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, KILLSWITCH_LOG_LEVEL: 'silent' } }).then(
    (done) => ({ ...done, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => error,
  );

let h: IdpHarness;
let dir: string;
let jwksFile: string;
let jwks: { keys: Array<Record<string, unknown>> };
let setToken: string;
let ssfTermination: string;
let midpoint: number;

async function* linesOf(text: string) {
  for (const line of text.split('\n').slice(0, text.endsWith('\n') ? -1 : undefined)) yield line;
}
const verifyText = (text: string) => verifySealedExport(linesOf(text), jwks as never);

async function download(path: string, key: string = KEYS.admin) {
  const response = await fetch(`${h.ledger.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

beforeAll(async () => {
  h = await startIdpHarness();
  dir = mkdtempSync(join(tmpdir(), 'ks-exports-'));
  jwks = (await h.ledger.raw('GET', '/.well-known/jwks.json', undefined)).body;
  jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(jwks));
  // One termination from the IdP (a signed SET), then one from the API.
  const set = h.idp.set(
    endpoint('acme', 'ssf'),
    {
      format: 'complex',
      user: { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' },
      session: { format: 'opaque', id: 'sid-A' },
      tenant: { format: 'opaque', id: IDP_TENANT },
    },
    'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
    { initiating_entity: 'admin', reason_admin: { en: 'lost laptop' }, event_timestamp: h.idp.now() - 5 },
  );
  setToken = await h.idp.sign(set, { typ: 'secevent+jwt' });
  const pushed = await h.ledger.raw('POST', '/idp/acme/ssf/events', setToken, {
    'content-type': 'application/secevent+jwt',
    authorization: PUSH_AUTHORIZATION,
  });
  expect(pushed.status).toBe(202);
  await new Promise((resolve) => setTimeout(resolve, 5));
  midpoint = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const api = await h.ledger.call('POST', '/v1/tenants/acme/terminations', {
    scope: 'global_revocation',
    target: { type: 'user', id: 'bob' },
    reason: 'exports test',
  });
  expect(api.status).toBe(201);
  const list = await h.ledger.call('GET', '/v1/tenants/acme/terminations?source=ssf');
  ssfTermination = list.body.terminations[0].terminationId;
});
afterAll(async () => h.close());

describe('sealed exports', () => {
  it('exports the audit trail and the raw events as JSON Lines and CSV that verify with the published JWKS', async () => {
    for (const kind of ['audit', 'events'])
      for (const format of ['jsonl', 'csv']) {
        const response = await download(`/v1/tenants/acme/exports/${kind}?format=${format}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
        expect(response.headers.get('content-disposition')).toContain(`killswitch-acme-${kind}.${format}`);
        const file = join(dir, `${kind}.${format}`);
        writeFileSync(file, response.text);
        const verified = await cli(['verify', '--file', file, '--jwks', jwksFile]);
        const result = JSON.parse(verified.stdout);
        expect(result).toMatchObject({ ok: true, kind: 'export', meta: { type: kind, tenant: 'acme', format } });
        if (kind === 'audit') expect(result.records).toBe(2);
        else expect(result.records).toBeGreaterThan(10);
      }
    // The events export holds the tenant's events only, the IdP's message among them, raw.
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(1, -1)
      .map((l) => JSON.parse(l).record);
    expect(events.every((e) => !String(e.streamId).includes('other'))).toBe(true);
    expect(events.find((e) => e.type === 'IdpMessageReceived').data.raw).toBe(setToken);
  });

  it('exports a time range: [from, to) of recorded time, and the CLI streams the same records from disk', async () => {
    const after = await download(`/v1/tenants/acme/exports/audit?from=${midpoint}`);
    const before = await download(`/v1/tenants/acme/exports/audit?to=${midpoint}`);
    expect((await verifyText(after.text)).records).toBe(1);
    expect((await verifyText(before.text)).records).toBe(1);
    expect(JSON.parse(after.text.split('\n')[1] as string).record.source).toBe('API');
    const events = await download(`/v1/tenants/acme/exports/events?from=${midpoint}&format=csv`);
    const all = await download(`/v1/tenants/acme/exports/events?format=csv`);
    const partial = await verifyText(events.text);
    const whole = await verifyText(all.text);
    expect(partial.ok && whole.ok && partial.records > 0 && partial.records < whole.records).toBe(true);

    const file = join(dir, 'cli-events.jsonl');
    const exported = await cli(['export', '--tenant', 'acme', '--kind', 'events', '--data-dir', h.ledger.dataDir, '--out', file]);
    expect(exported.stderr).toContain('sealed with key');
    const http = await download('/v1/tenants/acme/exports/events');
    // The same records (the chains differ: each export's header carries its own creation time).
    const records = (text: string) =>
      text
        .trim()
        .split('\n')
        .slice(1, -1)
        .map((l) => JSON.parse(l).record);
    expect(records(readFileSync(file, 'utf8'))).toEqual(records(http.text));
    expect(JSON.parse((await cli(['verify', '--file', file, '--data-dir', h.ledger.dataDir])).stdout).ok).toBe(true);
  });

  it('names the first bad record: a deleted line, a swapped pair, an edited field, a truncated tail, a wrong signature', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const { text } = await download(`/v1/tenants/acme/exports/events?format=${format}`);
      const lines = text.trim().split('\n');
      const firstRecord = format === 'csv' ? 2 : 1; // CSV: the header comment, then the column row
      // Moves the record's position by 1000: in JSON Lines its field, in CSV its second cell.
      const edit = (line: string) =>
        format === 'csv'
          ? line.replace(/^(\d+),(\d+),/, (_, seq: string, p: string) => `${seq},${Number(p) + 1000},`)
          : line.replace(/"position":(\d+)/, (_, p: string) => `"position":${Number(p) + 1000}`);
      const at = firstRecord + 3; // record 4
      const variants: Record<string, string> = {
        deleted: [...lines.slice(0, at), ...lines.slice(at + 1)].join('\n') + '\n',
        swapped: [...lines.slice(0, at), lines[at + 1], lines[at], ...lines.slice(at + 2)].join('\n') + '\n',
        edited: lines.map((l, i) => (i === at ? edit(l) : l)).join('\n') + '\n',
        truncatedTail: lines.slice(0, -3).join('\n') + '\n',
        truncatedMidLine: text.slice(0, text.length - 200),
        wrongSignature:
          lines
            .map((l, i) => (i === lines.length - 1 ? l.replace(/"jws":"([^"]+)\.\.([^"]{10})/, '"jws":"$1..AAAAAAAAAA') : l))
            .join('\n') + '\n',
      };
      const results = Object.fromEntries(await Promise.all(Object.entries(variants).map(async ([k, v]) => [k, await verifyText(v)])));
      expect(results.deleted).toMatchObject({ ok: false, seq: 5, problem: 'record 4 is missing' });
      expect(results.swapped).toMatchObject({ ok: false, seq: 5, problem: 'record 4 is missing' });
      expect(results.edited).toMatchObject({ ok: false, seq: 4, problem: 'record 4 was altered' });
      expect(results.truncatedTail).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/^no seal: the file ends after record \d+ \(truncated\)$/),
      });
      expect(results.truncatedMidLine.ok).toBe(false);
      expect(results.wrongSignature).toMatchObject({ ok: false, problem: expect.stringContaining('signature does not verify') });
    }
    // A seal made with another key, even over the right head, is refused; and the CLI exits 1 naming the record.
    const { text } = await download('/v1/tenants/acme/exports/audit');
    const file = join(dir, 'edited.jsonl');
    writeFileSync(file, text.replace('exports test', 'nothing to see'));
    const refused = await cli(['verify', '--file', file, '--jwks', jwksFile]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, seq: 2, line: 3, problem: 'record 2 was altered' });
    const other = await verifySealedExport(linesOf(text), { keys: [await foreignJwk()] } as never);
    expect(other).toMatchObject({ ok: false, problem: expect.stringContaining('signature does not verify') });
  });

  it('refuses what an auditor should not get: a read-only key, another tenant, a bad range or format', async () => {
    expect((await download('/v1/tenants/acme/exports/audit', KEYS.read)).status).toBe(403);
    expect((await download('/v1/tenants/acme/exports/audit', KEYS.otherAdmin)).status).toBe(403);
    expect((await download('/v1/tenants/acme/exports/audit', 'ks_nonsense_key')).status).toBe(401);
    const range = await download('/v1/tenants/acme/exports/events?from=200&to=100');
    expect([range.status, JSON.parse(range.text).error]).toEqual([400, 'ERR_RANGE']);
    expect((await download('/v1/tenants/acme/exports/events?format=xml')).status).toBe(400);
    expect((await download('/v1/tenants/acme/exports/secrets')).status).toBe(400);
    expect((await download(`/v1/tenants/acme/terminations/${ssfTermination}/evidence`, KEYS.read)).status).toBe(403);
    expect((await download('/v1/tenants/acme/terminations/nope/evidence')).status).toBe(404);
    // The other tenant's export holds none of acme's events.
    const other = await download('/v1/tenants/other/exports/events', KEYS.otherAdmin);
    expect((await verifyText(other.text)).ok).toBe(true);
    const streams = other.text
      .trim()
      .split('\n')
      .slice(1, -1)
      .map((l) => JSON.parse(l).record.streamId as string);
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((s) => s.includes('-other:'))).toBe(true);
  });
});

describe('termination evidence bundle', () => {
  it('holds the IdP’s message as received, the termination’s events and audit entry; verifies offline; detects edits', async () => {
    const response = await download(`/v1/tenants/acme/terminations/${ssfTermination}/evidence`);
    expect(response.status).toBe(200);
    const bundle = JSON.parse(response.text);
    expect(bundle.evidence).toMatchObject({ terminationId: ssfTermination, tenant: 'acme', kind: 'killswitch-termination-evidence' });
    expect(bundle.evidence.idpMessages).toHaveLength(1);
    expect(bundle.evidence.idpMessages[0]).toMatchObject({ protocol: 'ssf', raw: setToken, outcome: 'applied', issuer: h.idp.issuer });
    expect(bundle.evidence.applied.type).toBe('TerminationApplied');
    expect(bundle.evidence.auditEntry.terminationId).toBe(ssfTermination);
    expect(bundle.evidence.events.map((e: { type: string }) => e.type)).toContain('TerminationRequested');

    const file = join(dir, 'evidence.json');
    writeFileSync(file, response.text);
    expect(JSON.parse((await cli(['verify', '--file', file, '--jwks', jwksFile])).stdout)).toMatchObject({ ok: true, kind: 'evidence' });
    writeFileSync(file, response.text.replace('"outcome": "applied"', '"outcome": "ignored"'));
    const altered = await cli(['verify', '--file', file, '--jwks', jwksFile]);
    expect(altered.code).toBe(1);
    expect(JSON.parse(altered.stdout).problem).toContain('altered');

    // The raw message must match its recorded digest, even in a bundle sealed by a key the auditor trusts.
    const key = await foreignKey();
    const forged = { ...bundle.evidence, idpMessages: [{ ...bundle.evidence.idpMessages[0], raw: setToken + 'x' }] };
    const resealed = await verifyEvidence(await sealEvidence(forged, key), { keys: [key.publicJwk] } as never);
    expect(resealed).toMatchObject({ ok: false, problem: expect.stringContaining('does not match its recorded digest') });
    expect(await verifyEvidence(response.text, { keys: [key.publicJwk] } as never)).toMatchObject({ ok: false });
  });
});

async function foreignKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid: 'foreign', alg: 'ES256', privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: 'foreign', alg: 'ES256' } };
}
async function foreignJwk() {
  const key = await foreignKey();
  return { ...key.publicJwk, kid: (jwks.keys[0] as { kid: string }).kid };
}
