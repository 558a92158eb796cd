import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IdpGateway } from '../../idp/gateway.ts';
import type { TenantRegistry } from '../../idp/registry.ts';
import type { SetReceiver } from '../../idp/ssf/receiver.ts';
import type { Ledger } from '../../application/ledger.ts';

export interface IdpRouteDeps {
  readonly registry: TenantRegistry;
  readonly gateway: IdpGateway;
  readonly receiver: SetReceiver;
  readonly ledger: Ledger;
  readonly now: () => number;
}

export type ProtocolErrorStyle = 'ssf' | 'oauth';

export const tenantPath = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } },
} as const;

/** Constant-time comparison of a presented secret with a stored SHA-256 (hex). */
export function matchesSha256(presented: string | undefined, sha256Hex: string): boolean {
  if (presented === undefined) return false;
  const digest = createHash('sha256').update(presented).digest();
  const expected = Buffer.from(sha256Hex, 'hex');
  return expected.length === digest.length && timingSafeEqual(expected, digest);
}

/** The media type of a request, without parameters, lower-cased. */
export const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * Protocol endpoints take their body as raw text, whatever its declared type, so that each can
 * authenticate the caller first, then check the media type and parse, answering every failure
 * in its own protocol's error shape (never fastify's generic 415 or a JSON parse error).
 */
export function registerRawBody(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
}

const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** RFC 9110 §15.5.6: a known endpoint asked with another method answers 405 with `Allow`. */
export function postOnly(app: FastifyInstance, url: string, style: ProtocolErrorStyle): void {
  app.route({
    method: [...OTHER_METHODS],
    url,
    schema: { hide: true },
    config: { idpErrors: style, rawBody: true },
    handler: async (_request, reply) => {
      void reply.header('allow', 'POST');
      return style === 'ssf'
        ? reply.status(405).send({ err: 'invalid_request', description: 'method not allowed: use POST' })
        : reply
            .status(405)
            .header('cache-control', 'no-store')
            .send({ error: 'invalid_request', error_description: 'method not allowed: use POST' });
    },
  });
}

/** An OAuth-style protocol error (`{"error", "error_description"}`), never cached. */
export function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.status(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

/** 503 with `Retry-After`: the failure is ours or the IdP's infrastructure, the same message may succeed later. */
export function retryLater(reply: FastifyReply, seconds: number): FastifyReply {
  return reply.header('retry-after', String(Math.max(1, Math.ceil(seconds))));
}

export type FormResult = { ok: true; fields: Record<string, string> } | { ok: false; description: string };

/**
 * An `application/x-www-form-urlencoded` body. RFC 6749 §3.2: a parameter sent more than once
 * is an invalid request. Only the named fields are returned; others are ignored (OP Commands §2).
 */
export function parseForm(contentType: string | undefined, body: unknown, names: readonly string[]): FormResult {
  if (mediaType(contentType) !== 'application/x-www-form-urlencoded')
    return { ok: false, description: 'Content-Type must be application/x-www-form-urlencoded' };
  const params = new URLSearchParams(typeof body === 'string' ? body : '');
  const fields: Record<string, string> = {};
  for (const name of names) {
    const values = params.getAll(name);
    if (values.length > 1) return { ok: false, description: `${name} must not be sent more than once` };
    if (values[0] !== undefined) fields[name] = values[0];
  }
  return { ok: true, fields };
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; description: string };

/** An `application/json` body, parsed without ever throwing. */
export function parseJson(contentType: string | undefined, body: unknown): JsonResult {
  if (mediaType(contentType) !== 'application/json') return { ok: false, description: 'Content-Type must be application/json' };
  try {
    return { ok: true, value: JSON.parse(typeof body === 'string' ? body : '') };
  } catch {
    return { ok: false, description: 'body is not valid JSON' };
  }
}
