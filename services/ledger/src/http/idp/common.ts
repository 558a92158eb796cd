import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
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

/** Raw body parsers for the IdP media types: the handlers verify the exact bytes. */
export function registerRawParsers(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(['application/secevent+jwt', 'application/jwt'], { parseAs: 'string', bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
}
