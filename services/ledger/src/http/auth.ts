import { hash } from 'node:crypto';
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
    /** The media types the route's schema says it consumes (copied here when the route is added). */
    consumes?: readonly string[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const unauthenticated = () =>
  new HttpError(401, 'ERR_UNAUTHENTICATED', 'a valid API key is required', { 'www-authenticate': 'Bearer realm="killswitch"' });

/**
 * Per-tenant API keys with roles. A key opens only its own tenant: tenants are walls.
 * Keys are looked up by their SHA-256: the lookup's timing can only tell about digests, which a
 * caller cannot steer towards a real key's, so no constant-time comparison is needed.
 */
export class ApiKeyAuthenticator {
  private readonly keys: Map<string, Principal>;

  constructor(config: LedgerConfig) {
    this.keys = new Map(
      config.tenants.flatMap((tenant) =>
        tenant.apiKeys.map((key): [string, Principal] => [
          key.sha256.toLowerCase(),
          { tenant: tenant.id, keyName: key.name, roles: new Set(key.roles) },
        ]),
      ),
    );
  }

  /** The key's principal, whatever the tenant in the path (401 without a valid key). */
  identify(request: FastifyRequest): Principal {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{8,512})$/.exec(header) : null;
    if (!match) throw unauthenticated();
    const found = this.keys.get(hash('sha256', match[1] as string));
    if (!found) throw unauthenticated();
    return found;
  }

  authorize(request: FastifyRequest, role: Role): Principal {
    const found = this.identify(request);
    const tenant = (request.params as { tenant?: string }).tenant;
    if (tenant !== found.tenant) throw new HttpError(403, 'ERR_TENANT_FORBIDDEN', 'this API key does not belong to that tenant');
    if (!found.roles.has(role)) throw new HttpError(403, 'ERR_ROLE_FORBIDDEN', `this API key lacks the ${role} role`);
    return found;
  }
}
