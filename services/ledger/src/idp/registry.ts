import { readFileSync } from 'node:fs';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import type { TrustedIssuer } from '@killswitch/protocols';
import { RemoteKeys } from './remote-keys.ts';
import { parseConfig, type IdpConfig, type LedgerConfig, type TenantConfig } from '../config.ts';

export interface RegisteredIdp {
  readonly tenant: TenantConfig;
  readonly idp: IdpConfig;
  readonly trusted: TrustedIssuer;
}

/**
 * Which IdPs each tenant trusts, with their keys. A message is only ever applied to the tenant
 * its issuer is registered for, and the tenant named in the endpoint path must be that tenant.
 * Reloadable: `reload()` swaps the configuration atomically; JWKS caches survive a reload.
 */
export class TenantRegistry {
  private config: LedgerConfig;
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(
    config: LedgerConfig,
    private readonly onReload: (config: LedgerConfig) => void = () => {},
  ) {
    this.config = config;
  }

  get current(): LedgerConfig {
    return this.config;
  }

  tenant(id: string): TenantConfig | undefined {
    return this.config.tenants.find((t) => t.id === id);
  }

  idp(tenantId: string, issuer: string): RegisteredIdp | undefined {
    const tenant = this.tenant(tenantId);
    const idp = tenant?.idps.find((i) => i.issuer === issuer);
    if (!tenant || !idp) return undefined;
    return { tenant, idp, trusted: { issuer: idp.issuer, algorithms: idp.algorithms, keys: this.keysOf(idp) } };
  }

  /** The URL an IdP must put in `aud` for an endpoint of this tenant. */
  endpointUrl(tenantId: string, path: string): string {
    return `${this.config.publicBaseUrl.replace(/\/$/, '')}/idp/${tenantId}/${path}`;
  }

  /** Re-reads and validates the file; an invalid file keeps the running configuration. */
  reload(path: string): LedgerConfig {
    const next = parseConfig(JSON.parse(readFileSync(path, 'utf8')), {
      host: this.config.host,
      dataDir: this.config.dataDir,
      port: String(this.config.port),
      logLevel: this.config.logLevel,
    });
    this.config = next;
    this.onReload(next);
    return next;
  }

  replace(config: LedgerConfig): void {
    this.config = config;
    this.onReload(config);
  }

  private keysOf(idp: IdpConfig): JWTVerifyGetKey {
    const cacheKey = `${idp.issuer}\u0000${idp.jwksUri ?? JSON.stringify(idp.jwks)}`;
    let keys = this.keySets.get(cacheKey);
    if (!keys) {
      keys = idp.jwksUri
        ? new RemoteKeys(new URL(idp.jwksUri), {
            cacheMaxAgeMs: 10 * 60_000,
            // Refreshes on unknown kids are rate-limited: a small burst, then one per cooldown.
            refreshBurst: this.config.jwksRefreshBurst,
            refillMs: Math.max(1, this.config.jwksCooldownSeconds * 1000),
            timeoutMs: this.config.jwksTimeoutSeconds * 1000,
          }).getKey
        : createLocalJWKSet(idp.jwks as never);
      this.keySets.set(cacheKey, keys);
    }
    return keys;
  }
}
