import { createHmac } from 'node:crypto';
import fc from 'fast-check';

/**
 * Mutations of a valid protocol message, as a fuzzer (and an attacker) would make them: on the
 * JOSE header, on the claims, on the signature and on the HTTP encoding. Each is plain data, so
 * that fast-check can shrink a failing case down to the one mutation that matters.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const HEADER_MEMBERS = ['alg', 'typ', 'kid', 'crit', 'cty', 'jku', 'x5u', 'b64', 'zip', 'x-extra'] as const;

/** Values of every JSON type, weighted towards the ones that break naive code. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, -1e308, 4_102_444_800, '', ' ', 'none', 'null', '__proto__', 'constructor'),
  fc.constantFrom<Json>([], {}, [null], { a: { b: { c: {} } } }, ['a', 1]),
  fc.integer().map((n): Json => n),
  fc.double({ noNaN: true }).map((n): Json => n),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant<Json>('x'.repeat(20_000)),
  // Kept symbolic until applied, so that a counterexample prints (and shrinks) as a depth.
  fc.nat({ max: 2_000 }).map((depth): Json => ({ $deep: depth })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => v as Json),
);

/** A generated value, with `{ $deep: n }` expanded into a value nested n levels deep. */
export function materialize(value: Json): Json {
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.$deep === 'number' && Object.keys(value).length === 1)
    return nest(value.$deep);
  return value;
}

/** A value nested `depth` levels deep (arrays and objects alternating). */
export function nest(depth: number): Json {
  let value: Json = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { n: value };
  return value;
}

export type HeaderMutation =
  { kind: 'set'; member: string; value: Json } | { kind: 'delete'; member: string } | { kind: 'not-an-object'; value: Json };

export const headerMutation: fc.Arbitrary<HeaderMutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), member: fc.constantFrom(...HEADER_MEMBERS), value: hostileValue }),
  fc.record({ kind: fc.constant('delete' as const), member: fc.constantFrom('alg', 'typ', 'kid') }),
  fc.record({ kind: fc.constant('not-an-object' as const), value: fc.constantFrom<Json>(null, [], 'str', 12) }),
);

export type ClaimsMutation =
  | { kind: 'set'; claim: string; value: Json }
  | { kind: 'delete'; claim: string }
  | { kind: 'set-nested'; claim: string; path: string; value: Json }
  | { kind: 'replace'; payload: string };

/** Claim mutations: every claim of the valid message, plus claims it should not carry. */
export function claimsMutation(claims: readonly string[]): fc.Arbitrary<ClaimsMutation> {
  const names = fc.constantFrom(...claims, 'nonce', 'sub', 'exp', 'sid', 'events', 'x-extra');
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), claim: names, value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), claim: names }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('set-nested' as const),
        claim: fc.constantFrom(...claims),
        path: fc.constantFrom('format', 'id', 'email', 'iss', 'sub', 'user', 'session', 'device', 'tenant', 'x', '0'),
        value: hostileValue,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('replace' as const),
        payload: fc.oneof(
          fc.constantFrom('', 'null', '[]', '"claims"', '{', '{"iss":'),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
      }),
    },
  );
}

export type SignatureMutation = 'valid' | 'rogue-key' | 'alg-none' | 'hmac-with-public-key' | 'bit-flip' | 'stripped' | 'truncated';
export const signatureMutation: fc.Arbitrary<SignatureMutation> = fc.constantFrom(
  'valid',
  'rogue-key',
  'alg-none',
  'hmac-with-public-key',
  'bit-flip',
  'stripped',
  'truncated',
);

export type EncodingMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'random-bytes'; bytes: string }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'duplicate-field' }
  | { kind: 'json-instead-of-form' }
  | { kind: 'oversized' }
  | { kind: 'deeply-nested' }
  | { kind: 'append'; text: string };

export const encodingMutation: fc.Arbitrary<EncodingMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: 2000 }) }),
  fc.record({ kind: fc.constant('random-bytes' as const), bytes: fc.string({ unit: 'binary', maxLength: 300 }) }),
  fc.record({
    kind: fc.constant('content-type' as const),
    value: fc.constantFrom(
      null,
      'text/plain',
      'application/json',
      'application/x-www-form-urlencoded',
      'application/secevent+jwt',
      'application/jwt',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      '*/*',
      '',
    ),
  }),
  fc.constant({ kind: 'duplicate-field' as const }),
  fc.constant({ kind: 'json-instead-of-form' as const }),
  fc.constant({ kind: 'oversized' as const }),
  fc.constant({ kind: 'deeply-nested' as const }),
  fc.record({ kind: fc.constant('append' as const), text: fc.constantFrom('&', '=', '%', '%zz', '\u0000', '&x=1', '.', ' ') }),
);

/** What a JWT-carrying message is made of before it is signed and sent. */
export interface JwtParts {
  header: Json;
  claims: Record<string, Json> | string;
}

export function applyHeader(header: Record<string, Json>, mutation: HeaderMutation): Json {
  if (mutation.kind === 'not-an-object') return mutation.value;
  const next = { ...header };
  if (mutation.kind === 'delete') delete next[mutation.member];
  else next[mutation.member] = materialize(mutation.value);
  return next;
}

export function applyClaims(claims: Record<string, Json> | string, mutation: ClaimsMutation): Record<string, Json> | string {
  if (mutation.kind === 'replace') return mutation.payload;
  if (typeof claims === 'string') return claims;
  const next: Record<string, Json> = { ...claims }; // shallow: values may be nested thousands deep
  if (mutation.kind === 'delete') delete next[mutation.claim];
  else if (mutation.kind === 'set') next[mutation.claim] = materialize(mutation.value);
  else {
    const target = next[mutation.claim];
    const value = materialize(mutation.value);
    if (target && typeof target === 'object' && !Array.isArray(target)) next[mutation.claim] = { ...target, [mutation.path]: value };
    else next[mutation.claim] = { [mutation.path]: value };
  }
  return next;
}

export interface Signer {
  /** ES256 over exactly these header and payload bytes, with the published key or a rogue one. */
  signRaw(header: unknown, payload: string, options?: { rogue?: boolean }): Promise<string>;
  readonly es256: { kid: string; jwk: object };
}

/** Signs the parts, then applies the signature mutation. */
export async function sign(parts: JwtParts, signer: Signer, mutation: SignatureMutation): Promise<string> {
  const payload = typeof parts.claims === 'string' ? parts.claims : JSON.stringify(parts.claims);
  const b64 = (value: string) => Buffer.from(value).toString('base64url');
  switch (mutation) {
    case 'alg-none': {
      const header =
        parts.header && typeof parts.header === 'object' && !Array.isArray(parts.header) ? { ...parts.header, alg: 'none' } : parts.header;
      return `${b64(JSON.stringify(header))}.${b64(payload)}.`;
    }
    case 'hmac-with-public-key': {
      const header =
        parts.header && typeof parts.header === 'object' && !Array.isArray(parts.header) ? { ...parts.header, alg: 'HS256' } : parts.header;
      const input = `${b64(JSON.stringify(header))}.${b64(payload)}`;
      const mac = createHmac('sha256', JSON.stringify(signer.es256.jwk)).update(input).digest('base64url');
      return `${input}.${mac}`;
    }
    default:
      break;
  }
  const token = await signer.signRaw(parts.header, payload, { rogue: mutation === 'rogue-key' });
  const [h, p, s = ''] = token.split('.');
  if (mutation === 'stripped') return `${h}.${p}`;
  if (mutation === 'truncated') return `${h}.${p}.${s.slice(0, Math.floor(s.length / 2))}`;
  if (mutation === 'bit-flip') {
    const bytes = Buffer.from(s, 'base64url');
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
    return `${h}.${p}.${bytes.toString('base64url')}`;
  }
  return token;
}

/** An HTTP request as the fuzzer sends it. */
export interface FuzzRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The form field carrying the message, when the body is a form. */
  formField?: string;
}

export function applyEncoding(request: FuzzRequest, mutation: EncodingMutation): FuzzRequest {
  const next: FuzzRequest = { ...request, headers: { ...request.headers } };
  switch (mutation.kind) {
    case 'truncate':
      next.body = request.body.slice(0, mutation.at % (request.body.length + 1));
      break;
    case 'random-bytes':
      next.body = mutation.bytes;
      break;
    case 'content-type':
      if (mutation.value === null) delete next.headers['content-type'];
      else next.headers['content-type'] = mutation.value;
      break;
    case 'duplicate-field':
      next.body = `${request.body}&${request.body}`;
      break;
    case 'json-instead-of-form': {
      const fields = Object.fromEntries(new URLSearchParams(request.body));
      next.body = JSON.stringify(request.formField ? fields : { body: request.body });
      next.headers['content-type'] = 'application/json';
      break;
    }
    case 'oversized':
      next.body = `${request.body}${'A'.repeat(70 * 1024)}`;
      break;
    case 'deeply-nested':
      next.body = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
      break;
    case 'append':
      next.body = `${request.body}${mutation.text}`;
      break;
  }
  return next;
}
