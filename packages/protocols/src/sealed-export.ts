/**
 * Sealed exports: hash-chained JSON Lines or CSV, closed by a detached JWS over the chain head,
 * and signed evidence bundles. An auditor verifies either offline with the RP's JWKS.
 *
 * JSON Lines:
 *   {"export":{…meta}}                          chain₀ = SHA-256(this line's text)
 *   {"seq":n,"record":{…},"chain":"<hex>"}      chainₙ = SHA-256(chainₙ₋₁ ‖ the line's text without its chain member,
 *                                                        i.e. `{"seq":n,"record":{…}}` exactly as written)
 *   {"seal":{"count":N,"head":"<hex>","kid":"…","jws":"<header>..<signature>"}}
 * CSV (comment lines start with `#`, as most CSV readers can skip them):
 *   #{"export":{…meta}}
 *   seq,<columns…>,chain                         chain₀ = SHA-256(line 1 ‖ "\n" ‖ line 2)
 *   n,<cells…>,<hex>                             chainₙ = SHA-256(chainₙ₋₁ ‖ the row's text before ",<hex>")
 *   #{"seal":{…}}
 * Hashing the bytes as written needs no canonical form to verify: any tool that splits lines can.
 * The seal's JWS (ES256, RFC 7515 Appendix F detached payload) signs the head's 64 hex characters.
 * An evidence bundle's digest is over the JCS (RFC 8785) form of its `evidence` member.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { base64url, CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { SigningKey } from './signing-key.ts';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportMeta {
  readonly type: string;
  readonly tenant: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly createdAt: number;
  readonly format: ExportFormat;
  readonly columns?: readonly string[];
}

export interface Seal {
  readonly count: number;
  readonly head: string;
  readonly kid: string;
  readonly jws: string;
}

const SEAL_TYPE = 'killswitch-seal+jws';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const jcs = (value: unknown): string => canonicalize(value) ?? 'null';

/** Signs `payload` with the RP's key; the JWS's payload part is left out (detached). */
export async function detachedJws(payload: string, key: SigningKey): Promise<string> {
  const compact = await new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SEAL_TYPE })
    .sign(key.privateKey);
  const [header, , signature] = compact.split('.');
  return `${header}..${signature}`;
}

/** Whether `jws` (detached) signs `payload` with a key of `jwks`; the reason when it does not. */
export async function verifyDetachedJws(jws: string, payload: string, jwks: JSONWebKeySet): Promise<string | null> {
  const [header, empty, signature, ...rest] = jws.split('.');
  if (!header || empty !== '' || !signature || rest.length > 0) return 'the seal’s JWS is not a detached compact JWS';
  try {
    await compactVerify(`${header}.${base64url.encode(payload)}.${signature}`, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
    return null;
  } catch (error) {
    return `the seal’s signature does not verify (${(error as Error).message})`;
  }
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n#]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes one export: `header()`, then `line(record)` per record, then `seal(key)`. */
export class SealedExportWriter {
  private chain = '';
  private count = 0;

  constructor(private readonly meta: ExportMeta) {
    if (meta.format === 'csv' && !meta.columns) throw new Error('a CSV export needs columns');
  }

  header(): string {
    const first = JSON.stringify({ export: this.meta });
    if (this.meta.format === 'jsonl') {
      this.chain = sha256(first);
      return first + '\n';
    }
    const columns = ['seq', ...(this.meta.columns ?? []), 'chain'].join(',');
    this.chain = sha256(`#${first}\n${columns}`);
    return `#${first}\n${columns}\n`;
  }

  line(record: Record<string, unknown>): string {
    const seq = ++this.count;
    if (this.meta.format === 'jsonl') {
      const body = JSON.stringify({ seq, record });
      this.chain = sha256(this.chain + body);
      return `${body.slice(0, -1)},"chain":"${this.chain}"}\n`;
    }
    const text = [seq, ...(this.meta.columns ?? []).map((c) => record[c])].map(csvCell).join(',');
    this.chain = sha256(this.chain + text);
    return `${text},${this.chain}\n`;
  }

  async seal(key: SigningKey): Promise<string> {
    const seal: Seal = { count: this.count, head: this.chain, kid: key.kid, jws: await detachedJws(this.chain, key) };
    return (this.meta.format === 'csv' ? '#' : '') + JSON.stringify({ seal }) + '\n';
  }
}

export type VerifyResult =
  | { ok: true; kind: 'export' | 'evidence'; meta: unknown; records: number; kid: string }
  | { ok: false; kind: 'export' | 'evidence'; records: number; line?: number; seq?: number; problem: string };

/** Reads rows of a CSV text, a quoted cell may span lines: yields each row's text and its first line number. */
async function* csvRows(lines: AsyncIterable<string>): AsyncGenerator<{ text: string; line: number }> {
  let pending: string | null = null;
  let start = 0;
  let n = 0;
  for await (const line of lines) {
    n++;
    pending = pending === null ? line : `${pending}\n${line}`;
    if (pending === line) start = n;
    if ((pending.match(/"/g)?.length ?? 0) % 2 === 0) {
      yield { text: pending, line: start };
      pending = null;
    }
  }
  if (pending !== null) yield { text: pending, line: start };
}

/** A record line: its text up to the chain member, and the chain. */
const CHAINED_LINE = /^(\{"seq":.*),"chain":"([0-9a-f]{64})"\}$/;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Verifies an export read line by line (constant memory): the chain from its header, the seal's
 * count and head, and its signature with `jwks`. Names the first record that does not verify.
 */
export async function verifySealedExport(lines: AsyncIterable<string>, jwks: JSONWebKeySet): Promise<VerifyResult> {
  const bad = (records: number, problem: string, line?: number, seq?: number): VerifyResult => ({
    ok: false,
    kind: 'export',
    records,
    problem,
    ...(line === undefined ? {} : { line }),
    ...(seq === undefined ? {} : { seq }),
  });
  const iterator = csvRows(lines)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return bad(0, 'the file is empty');
  const csv = first.value.text.startsWith('#');
  const header = parseJson(csv ? first.value.text.slice(1) : first.value.text) as { export?: ExportMeta } | undefined;
  if (!header?.export) return bad(0, 'line 1 is not an export header', 1);
  let chain = sha256(first.value.text);
  if (csv) {
    const columns = await iterator.next();
    if (columns.done) return bad(0, 'the column row is missing (truncated)', 2);
    chain = sha256(`${first.value.text}\n${columns.value.text}`);
  }
  let count = 0;
  for (let row = await iterator.next(); !row.done; row = await iterator.next()) {
    const { text, line } = row.value;
    const sealText = csv ? (text.startsWith('#') ? text.slice(1) : null) : text.startsWith('{"seal"') ? text : null;
    if (sealText !== null) {
      const seal = (parseJson(sealText) as { seal?: Seal } | undefined)?.seal;
      if (!seal || typeof seal.head !== 'string' || typeof seal.jws !== 'string') return bad(count, 'the seal is unreadable', line);
      if (seal.count !== count) return bad(count, `the seal counts ${seal.count} records, the file holds ${count}`, line);
      if (seal.head !== chain) return bad(count, 'the seal’s chain head does not match the records', line);
      const problem = await verifyDetachedJws(seal.jws, seal.head, jwks);
      if (problem) return bad(count, problem, line);
      const trailing = await iterator.next();
      if (!trailing.done && trailing.value.text.trim() !== '') return bad(count, 'lines follow the seal', trailing.value.line);
      return { ok: true, kind: 'export', meta: header.export, records: count, kid: seal.kid };
    }
    const expected = count + 1;
    let seq: number;
    let claimed: string;
    let next: string;
    if (csv) {
      const cut = text.lastIndexOf(',');
      const body = text.slice(0, cut);
      seq = Number(body.slice(0, body.indexOf(',') < 0 ? undefined : body.indexOf(',')));
      claimed = text.slice(cut + 1);
      if (cut < 0 || !Number.isInteger(seq)) return bad(count, 'unreadable row (truncated?)', line);
      next = sha256(chain + body);
    } else {
      const match = CHAINED_LINE.exec(text);
      const body = match ? `${match[1]}}` : '';
      const parsed = match ? (parseJson(body) as { seq?: unknown; record?: unknown } | undefined) : undefined;
      if (!match || !parsed || typeof parsed.seq !== 'number' || parsed.record === undefined)
        return bad(count, 'unreadable line (truncated?)', line);
      seq = parsed.seq;
      claimed = match[2] as string;
      next = sha256(chain + body);
    }
    if (seq !== expected) return bad(count, seq > expected ? `record ${expected} is missing` : `record ${seq} is out of order`, line, seq);
    if (next !== claimed) return bad(count, `record ${seq} was altered`, line, seq);
    chain = next;
    count = expected;
  }
  return bad(count, `no seal: the file ends after record ${count} (truncated)`);
}

/** A signed evidence bundle: `{evidence, seal: {digest, kid, jws}}`, the JWS detached over the digest. */
export async function sealEvidence(evidence: Record<string, unknown>, key: SigningKey): Promise<string> {
  const digest = sha256(jcs(evidence));
  return JSON.stringify({ evidence, seal: { digest, kid: key.kid, jws: await detachedJws(digest, key) } }, null, 2) + '\n';
}

export async function verifyEvidence(text: string, jwks: JSONWebKeySet): Promise<VerifyResult> {
  const bundle = parseJson(text) as
    { evidence?: Record<string, unknown>; seal?: { digest?: string; kid?: string; jws?: string } } | undefined;
  const bad = (problem: string): VerifyResult => ({ ok: false, kind: 'evidence', records: 0, problem });
  if (!bundle?.evidence || !bundle.seal?.digest || !bundle.seal.jws) return bad('not an evidence bundle (truncated?)');
  if (sha256(jcs(bundle.evidence)) !== bundle.seal.digest) return bad('the evidence was altered: its digest does not match the seal');
  const problem = await verifyDetachedJws(bundle.seal.jws, bundle.seal.digest, jwks);
  if (problem) return bad(problem);
  const messages = (bundle.evidence.idpMessages ?? []) as Array<{ raw?: string | null; digest?: string }>;
  for (const [i, m] of messages.entries())
    if (m.raw && createHash('sha256').update(m.raw).digest('base64url') !== m.digest)
      return bad(`IdP message ${i + 1}: its raw text does not match its recorded digest`);
  const events = Array.isArray(bundle.evidence.events) ? bundle.evidence.events.length : 0;
  return {
    ok: true,
    kind: 'evidence',
    meta: { terminationId: bundle.evidence.terminationId },
    records: events,
    kid: bundle.seal.kid ?? '',
  };
}
