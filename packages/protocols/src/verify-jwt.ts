import { compactVerify, decodeJwt, decodeProtectedHeader, errors, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Stable codes for every way a signed message can be refused; protocols map them to their own. */
export type JwtRejection =
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_ALG'
  | 'ERR_JWT_UNKNOWN_KEY'
  | 'ERR_JWT_SIGNATURE'
  | 'ERR_JWKS_UNAVAILABLE'
  | 'ERR_JWT_TYP'
  | 'ERR_JWT_MISSING_CLAIM'
  | 'ERR_JWT_FORBIDDEN_CLAIM'
  | 'ERR_JWT_ISSUER'
  | 'ERR_JWT_SUBJECT'
  | 'ERR_JWT_AUDIENCE'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_TOO_OLD'
  | 'ERR_JWT_FUTURE_IAT';

export class JwtRejected extends Error {
  readonly type = 'JwtRejected' as const;
  constructor(
    readonly code: JwtRejection,
    message: string,
    /** Set when the refusal is ours or the IdP's infrastructure, not the message's: retry after this many seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** The message may be sent again later and then succeed (RFC 9110 503 + Retry-After). */
  get retryable(): boolean {
    return this.retryAfterSeconds !== undefined;
  }
}

/**
 * Thrown by a key source when the issuer's keys cannot be had right now (JWKS endpoint down,
 * timing out, or answering garbage) and the token's key is not among those already known.
 */
export class KeysUnavailable extends Error {
  readonly type = 'KeysUnavailable' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export interface TrustedIssuer {
  readonly issuer: string;
  readonly keys: JWTVerifyGetKey;
  /** Asymmetric algorithms only: an HMAC against a published key or `none` is never accepted. */
  readonly algorithms: readonly string[];
}

export interface JwtPolicy {
  /** Accepted `typ` values (compared case-insensitively, with or without `application/`). */
  readonly typ: readonly string[];
  /** Accept a token without `typ` (OIDC logout tokens: explicit typing is only RECOMMENDED). */
  readonly typOptional?: boolean;
  readonly audience: string;
  readonly subject?: string;
  readonly required: readonly string[];
  readonly forbidden: readonly string[];
  readonly clockSkewSeconds: number;
  /** Refuse tokens issued longer ago than this. */
  readonly maxAgeSeconds: number;
  readonly now: () => number;
}

const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

/** The issuer a token claims, before anything is verified: only to pick the keys to verify with. */
export function unverifiedIssuer(token: string): string | null {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : null;
  } catch {
    return null;
  }
}

const normalizeTyp = (typ: string) => typ.toLowerCase().replace(/^application\//, '');

/**
 * Verifies a signed JWT in a fixed order (STYLE.md): algorithm allow-list and signature,
 * then `typ`, required and forbidden claims, `iss`, `sub`, `aud`, `nbf`, `exp`, `iat` age.
 */
export async function verifyJwt(token: string, trusted: TrustedIssuer, policy: JwtPolicy): Promise<JWTPayload> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    if (token.split('.').length !== 3) throw new Error('not a JWS compact serialization');
    header = decodeProtectedHeader(token);
  } catch {
    throw new JwtRejected('ERR_JWT_MALFORMED', 'not a signed JWT');
  }
  checkHeaderTypes(header);
  const alg = header.alg ?? 'none';
  if (!trusted.algorithms.includes(alg) || !ASYMMETRIC.test(alg)) throw new JwtRejected('ERR_JWT_ALG', `algorithm ${alg} is not allowed`);
  let payload: JWTPayload;
  try {
    const verified = await compactVerify(token, trusted.keys, { algorithms: [...trusted.algorithms] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as JWTPayload;
  } catch (error) {
    throw signatureRejection(error);
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw new JwtRejected('ERR_JWT_MALFORMED', 'claims are not a JSON object');
  checkClaimTypes(payload);
  checkTyp(header.typ, policy);
  for (const claim of policy.required)
    if (payload[claim] === undefined || payload[claim] === null) throw new JwtRejected('ERR_JWT_MISSING_CLAIM', `missing claim ${claim}`);
  for (const claim of policy.forbidden)
    if (payload[claim] !== undefined) throw new JwtRejected('ERR_JWT_FORBIDDEN_CLAIM', `claim ${claim} is not allowed`);
  if (payload.iss !== trusted.issuer) throw new JwtRejected('ERR_JWT_ISSUER', 'iss is not the expected issuer');
  if (policy.subject !== undefined && payload.sub !== policy.subject)
    throw new JwtRejected('ERR_JWT_SUBJECT', 'sub does not name this receiver');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(policy.audience)) throw new JwtRejected('ERR_JWT_AUDIENCE', 'aud does not name this receiver');
  checkTimes(payload, policy);
  return payload;
}

/** Header members are attacker-controlled JSON: each one used must have its registered type (RFC 7515 §4.1). */
function checkHeaderTypes(header: Record<string, unknown>): void {
  for (const name of ['alg', 'typ', 'kid', 'cty', 'jku', 'x5u', 'x5t', 'x5t#S256'])
    if (header[name] !== undefined && typeof header[name] !== 'string')
      throw new JwtRejected('ERR_JWT_MALFORMED', `header member ${name} must be a string`);
  if (header.crit !== undefined && (!Array.isArray(header.crit) || !header.crit.every((c) => typeof c === 'string')))
    throw new JwtRejected('ERR_JWT_MALFORMED', 'header member crit must be an array of strings');
  if (header.b64 !== undefined && typeof header.b64 !== 'boolean')
    throw new JwtRejected('ERR_JWT_MALFORMED', 'header member b64 must be a boolean');
}

/** Seconds of the last instant of year 9999: no NumericDate beyond it is a real instant. */
const LAST_NUMERIC_DATE = 253_402_300_799;

/**
 * A NumericDate (RFC 7519 §2: seconds, possibly fractional) as whole epoch milliseconds, or
 * undefined when the value is not one (wrong type, not finite, out of any real range).
 */
export function numericDateMs(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > LAST_NUMERIC_DATE) return undefined;
  return Math.floor(value * 1000);
}

const STRING_CLAIMS = ['iss', 'sub', 'jti', 'sid', 'client_id'] as const;
const TIME_CLAIMS = ['nbf', 'exp', 'iat'] as const;

/** Registered claims with their RFC 7519 types; a value of another type is a malformed token, never a crash. */
function checkClaimTypes(payload: JWTPayload): void {
  for (const name of STRING_CLAIMS) {
    const value = payload[name];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 2048))
      throw new JwtRejected('ERR_JWT_MALFORMED', `${name} must be a non-empty string`);
  }
  const aud = payload.aud;
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string')))
    throw new JwtRejected('ERR_JWT_MALFORMED', 'aud must be a string or an array of strings');
  for (const name of TIME_CLAIMS) {
    const value = payload[name];
    // NumericDate: finite seconds; anything past year 9999 cannot be a real instant.
    if (value !== undefined && numericDateMs(value) === undefined)
      throw new JwtRejected('ERR_JWT_MALFORMED', `${name} must be a NumericDate`);
  }
}

function checkTyp(typ: string | undefined, policy: JwtPolicy): void {
  if (typ === undefined) {
    if (policy.typOptional) return;
    throw new JwtRejected('ERR_JWT_TYP', `typ must be ${policy.typ[0]}`);
  }
  const accepted = policy.typ.map(normalizeTyp);
  if (!accepted.includes(normalizeTyp(typ)) && !(policy.typOptional && normalizeTyp(typ) === 'jwt')) {
    throw new JwtRejected('ERR_JWT_TYP', `typ must be ${policy.typ[0]}`);
  }
}

function checkTimes(payload: JWTPayload, policy: JwtPolicy): void {
  const now = policy.now() / 1000;
  const skew = policy.clockSkewSeconds;
  const numeric = (name: 'nbf' | 'exp' | 'iat') => {
    const value = payload[name];
    if (value !== undefined && typeof value !== 'number') throw new JwtRejected('ERR_JWT_MALFORMED', `${name} must be a NumericDate`);
    return value;
  };
  const [nbf, exp, iat] = [numeric('nbf'), numeric('exp'), numeric('iat')];
  if (nbf !== undefined && nbf > now + skew) throw new JwtRejected('ERR_JWT_NOT_YET_VALID', 'token is not valid yet (nbf)');
  if (exp !== undefined && exp <= now - skew) throw new JwtRejected('ERR_JWT_EXPIRED', 'token has expired');
  if (iat !== undefined && iat > now + skew) throw new JwtRejected('ERR_JWT_FUTURE_IAT', 'iat is in the future');
  if (iat !== undefined && iat < now - policy.maxAgeSeconds - skew) throw new JwtRejected('ERR_JWT_TOO_OLD', 'token is too old');
}

function signatureRejection(error: unknown): JwtRejected {
  if (error instanceof KeysUnavailable) return new JwtRejected('ERR_JWKS_UNAVAILABLE', error.message, error.retryAfterSeconds);
  if (error instanceof errors.JWKSNoMatchingKey) return new JwtRejected('ERR_JWT_UNKNOWN_KEY', 'no key of the issuer matches the token');
  if (error instanceof errors.JOSEAlgNotAllowed) return new JwtRejected('ERR_JWT_ALG', 'algorithm not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new JwtRejected('ERR_JWT_SIGNATURE', 'signature verification failed');
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof Error && /fetch|ECONNREFUSED|Expected 200/i.test(error.message))
  ) {
    return new JwtRejected('ERR_JWKS_UNAVAILABLE', "the issuer's keys could not be fetched", 5);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JOSENotSupported)
    return new JwtRejected('ERR_JWT_MALFORMED', 'malformed JWS');
  return new JwtRejected('ERR_JWT_SIGNATURE', 'signature verification failed');
}
