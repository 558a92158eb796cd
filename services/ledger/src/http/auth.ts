import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { LedgerConfig, Role } from '../config.ts';
import { HttpError } from './errors.ts';

export interface Principal {
  readonly tenant: string;
  readonly keyName: string;
  readonly roles: ReadonlySet<Role>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a caller's API key needs for this route; absent on public routes. */
    role?: Role;
    /** Error body shape for protocol endpoints: SSF `{err, description}` or OAuth `{error, error_description}`. */
    idpErrors?: 'ssf' | 'oauth';
    /** The handler reads the raw body itself (authenticating first): no media-type check before it. */
    rawBody?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** Per-tenant API keys with roles. A key opens only its own tenant: tenants are walls. */
export class ApiKeyAuthenticator {
  private readonly keys: Array<{ digest: Buffer; principal: Principal }>;

  constructor(config: LedgerConfig) {
    this.keys = config.tenants.flatMap((tenant) =>
      tenant.apiKeys.map((key) => ({
        digest: Buffer.from(key.sha256, 'hex'),
        principal: { tenant: tenant.id, keyName: key.name, roles: new Set(key.roles) },
      })),
    );
  }

  authorize(request: FastifyRequest, role: Role): Principal {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{8,512})$/.exec(header) : null;
    const unauthenticated = new HttpError(401, 'ERR_UNAUTHENTICATED', 'a valid API key is required', {
      'www-authenticate': 'Bearer realm="killswitch"',
    });
    if (!match) throw unauthenticated;
    const digest = sha256(match[1] as string);
    // Compare against every key in constant time per key, so timing does not reveal which exists.
    let found: Principal | null = null;
    for (const key of this.keys) if (timingSafeEqual(key.digest, digest)) found = key.principal;
    if (!found) throw unauthenticated;
    const tenant = (request.params as { tenant?: string }).tenant;
    if (tenant !== found.tenant) throw new HttpError(403, 'ERR_TENANT_FORBIDDEN', 'this API key does not belong to that tenant');
    if (!found.roles.has(role)) throw new HttpError(403, 'ERR_ROLE_FORBIDDEN', `this API key lacks the ${role} role`);
    return found;
  }
}
