import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';

export const ROLES = ['ingest', 'read', 'respond', 'audit'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyConfig {
  readonly name: string;
  /** Hex SHA-256 of the key. Keys themselves are never stored or logged. */
  readonly sha256: string;
  readonly roles: readonly Role[];
}

export interface IdpConfig {
  readonly issuer: string;
  /** Fetched with caching; an unknown `kid` triggers a refetch (`jwksRefreshBurst`, then one per `jwksCooldownSeconds`). */
  readonly jwksUri?: string;
  readonly jwks?: { keys: Array<Record<string, unknown>> };
  readonly algorithms: readonly string[];
  /** The RP's client id at this IdP (OP Commands `client_id`, logout token `aud`, GTR JWT `sub`). */
  readonly clientId: string;
  /** The IdP's own tenant id for this tenant (OP Commands `tenant`, CAEP complex `tenant` member). */
  readonly idpTenant?: string;
  readonly ssf?: {
    /** SHA-256 (hex) of the exact Authorization header value the transmitter pushes with. */
    readonly pushAuthorizationSha256?: string;
    /** Poll delivery (RFC 8936): the transmitter's endpoint and the Authorization header to send. */
    readonly poll?: {
      readonly endpointUrl: string;
      readonly authorization: string;
      readonly intervalMs: number;
      readonly maxEvents: number;
    };
    /** Stream management: the transmitter's issuer (for /.well-known/ssf-configuration) and a bearer token. */
    readonly management?: {
      readonly transmitter: string;
      readonly bearerToken: string;
      readonly delivery: 'push' | 'poll';
      readonly eventsRequested: readonly string[];
    };
  };
  /** Where receipts of this IdP's terminations are pushed (RFC 8935), signed with the RP's key. */
  readonly receipts?: { readonly endpointUrl: string; readonly authorization?: string };
  readonly gtr?: {
    /** Client credentials accepted instead of a signed bearer JWT (secret stored as SHA-256 hex). */
    readonly clientCredentials?: ReadonlyArray<{ readonly clientId: string; readonly secretSha256: string }>;
  };
}

export interface OAuthClientConfig {
  readonly clientId: string;
  readonly secretSha256: string;
}

export interface TenantConfig {
  readonly id: string;
  readonly ipsieLevel: 'SL2' | 'SL3';
  readonly apiKeys: readonly ApiKeyConfig[];
  readonly idps: readonly IdpConfig[];
  /** The RP's own OAuth clients, for RFC 7009 revocation. */
  readonly clients: readonly OAuthClientConfig[];
  /** Message type (e.g. `caep.credential-change`) → scope, or `NONE`. */
  readonly scopePolicy: Readonly<Record<string, string>>;
  /** Outbound webhooks for the RP's own services (Standard Webhooks). */
  readonly webhooks: readonly WebhookEndpointConfig[];
}

export const WEBHOOK_EVENT_TYPES = [
  'session.revoked',
  'session.invalidated',
  'termination.applied',
  'termination.propagated',
  'credential.presented_after_revocation',
  'agent.task_cancelled',
] as const;

export interface WebhookEndpointConfig {
  readonly id: string;
  readonly url: string;
  readonly secrets: readonly string[];
  /** The event types it receives (all when absent). */
  readonly events?: ReadonlyArray<(typeof WEBHOOK_EVENT_TYPES)[number]>;
}

export interface LedgerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly activityCoalesceMs: number;
  /** Outbound webhooks: first retry delay (doubling, with jitter), its cap, and how long a message is retried. */
  readonly webhookRetry: { readonly baseDelayMs: number; readonly maxDelayMs: number; readonly windowMs: number };
  /** A hot snapshot every this many applied events (0: only at shutdown); a restart replays only what follows it. */
  readonly snapshotEveryEvents: number;
  readonly bodyLimitBytes: number;
  readonly maxFactsPerBatch: number;
  readonly logLevel: string;
  /** Public origin the IdPs call (their `aud` values are endpoint URLs under it). */
  readonly publicBaseUrl: string;
  readonly clockSkewSeconds: number;
  readonly maxMessageAgeSeconds: number;
  readonly idpBodyLimitBytes: number;
  readonly jwksCooldownSeconds: number;
  /** Refreshes an unknown `kid` may trigger at once before `jwksCooldownSeconds` rate-limits them. */
  readonly jwksRefreshBurst: number;
  readonly jwksTimeoutSeconds: number;
  readonly tenants: readonly TenantConfig[];
}

const ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' };

const URL_PATTERN = '^https?://[^\\s]+$';
const SHA256 = { type: 'string', pattern: '^[0-9a-f]{64}$' };

const IDP_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'clientId'],
  properties: {
    issuer: { type: 'string', minLength: 1, maxLength: 1024 },
    jwksUri: { type: 'string', pattern: URL_PATTERN },
    jwks: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object' } } } },
    algorithms: {
      type: 'array',
      minItems: 1,
      items: { enum: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] },
      default: ['RS256', 'ES256'],
    },
    clientId: { type: 'string', minLength: 1, maxLength: 256 },
    idpTenant: { type: 'string', minLength: 1, maxLength: 256 },
    ssf: {
      type: 'object',
      additionalProperties: false,
      properties: {
        pushAuthorizationSha256: SHA256,
        poll: {
          type: 'object',
          additionalProperties: false,
          required: ['endpointUrl', 'authorization'],
          properties: {
            endpointUrl: { type: 'string', pattern: URL_PATTERN },
            authorization: { type: 'string', minLength: 1 },
            intervalMs: { type: 'integer', minimum: 10, default: 1000 },
            maxEvents: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        management: {
          type: 'object',
          additionalProperties: false,
          required: ['transmitter', 'bearerToken'],
          properties: {
            transmitter: { type: 'string', pattern: URL_PATTERN },
            bearerToken: { type: 'string', minLength: 1 },
            delivery: { enum: ['push', 'poll'], default: 'push' },
            eventsRequested: { type: 'array', items: { type: 'string' }, default: [] },
          },
        },
      },
    },
    receipts: {
      type: 'object',
      additionalProperties: false,
      required: ['endpointUrl'],
      properties: { endpointUrl: { type: 'string', pattern: URL_PATTERN }, authorization: { type: 'string', minLength: 1 } },
    },
    gtr: {
      type: 'object',
      additionalProperties: false,
      properties: {
        clientCredentials: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['clientId', 'secretSha256'],
            properties: { clientId: { type: 'string', minLength: 1 }, secretSha256: SHA256 },
          },
        },
      },
    },
  },
  anyOf: [{ required: ['jwksUri'] }, { required: ['jwks'] }],
} as const;

const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  properties: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    dataDir: { type: 'string', default: 'data' },
    activityCoalesceMs: { type: 'integer', minimum: 0, default: 60_000 },
    snapshotEveryEvents: { type: 'integer', minimum: 0, default: 500_000 },
    webhookRetry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        baseDelayMs: { type: 'integer', minimum: 1, default: 1000 },
        maxDelayMs: { type: 'integer', minimum: 1, default: 3_600_000 },
        windowMs: { type: 'integer', minimum: 1, default: 86_400_000 },
      },
    },
    bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024 },
    maxFactsPerBatch: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    publicBaseUrl: { type: 'string', pattern: '^https?://[^/?#]+(/[^?#]*)?$', default: 'http://127.0.0.1:8080' },
    clockSkewSeconds: { type: 'integer', minimum: 0, maximum: 600, default: 60 },
    maxMessageAgeSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 300 },
    idpBodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 1024 * 1024, default: 64 * 1024 },
    jwksCooldownSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 30 },
    jwksRefreshBurst: { type: 'integer', minimum: 1, maximum: 100, default: 3 },
    jwksTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 60, default: 5 },
    tenants: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'apiKeys'],
        properties: {
          id: ID,
          ipsieLevel: { enum: ['SL2', 'SL3'], default: 'SL2' },
          idps: { type: 'array', default: [], items: IDP_SCHEMA },
          clients: {
            type: 'array',
            default: [],
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['clientId', 'secretSha256'],
              properties: { clientId: ID, secretSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
            },
          },
          webhooks: {
            type: 'array',
            default: [],
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'url', 'secrets'],
              properties: {
                id: ID,
                url: { type: 'string', pattern: URL_PATTERN },
                // Standard Webhooks secrets (`whsec_<base64>`); two during a rotation, each signature sent.
                secrets: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/=]{16,}$' } },
                events: { type: 'array', items: { enum: [...WEBHOOK_EVENT_TYPES] } },
              },
            },
          },
          scopePolicy: {
            type: 'object',
            default: {},
            additionalProperties: { enum: ['SESSION_INVALIDATION', 'SESSION_SCOPED_REVOCATION', 'GLOBAL_REVOCATION', 'NONE'] },
          },
          apiKeys: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'sha256', 'roles'],
              properties: {
                name: ID,
                sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...ROLES] } },
              },
            },
          },
        },
      },
    },
  },
} as const;

export class ConfigError extends Error {
  readonly type = 'ConfigError' as const;
}

const validate = new Ajv({ useDefaults: true, allErrors: true }).compile(CONFIG_SCHEMA);

/** Parses configuration once, against a schema, into a frozen object. */
export function parseConfig(raw: unknown, overrides: Partial<Record<'host' | 'dataDir' | 'port' | 'logLevel', string>> = {}): LedgerConfig {
  const candidate = structuredClone(raw) as Record<string, unknown>;
  if (overrides.host) candidate.host = overrides.host;
  if (overrides.dataDir) candidate.dataDir = overrides.dataDir;
  if (overrides.port) candidate.port = Number(overrides.port);
  if (overrides.logLevel) candidate.logLevel = overrides.logLevel;
  if (!validate(candidate)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const ids = (candidate.tenants as TenantConfig[]).map((t) => t.id);
  if (new Set(ids).size !== ids.length) throw new ConfigError('invalid configuration: duplicate tenant id');
  const issuers = (candidate.tenants as TenantConfig[]).flatMap((t) => t.idps.map((idp) => `${t.id} ${idp.issuer}`));
  if (new Set(issuers).size !== issuers.length)
    throw new ConfigError('invalid configuration: an issuer is registered twice for one tenant');
  const hashes = (candidate.tenants as TenantConfig[]).flatMap((t) => t.apiKeys.map((k) => k.sha256));
  if (new Set(hashes).size !== hashes.length) throw new ConfigError('invalid configuration: one API key is configured twice');
  return deepFreeze(candidate as unknown as LedgerConfig);
}

export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../../config/demo.json', import.meta.url));

/** Reads `KILLSWITCH_CONFIG` (default: the demo configuration) and the `KILLSWITCH_*` overrides. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): { config: LedgerConfig; path: string; demo: boolean } {
  const path = resolve(env.KILLSWITCH_CONFIG ?? DEMO_CONFIG_PATH);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read configuration ${path}: ${(error as Error).message}`);
  }
  const config = parseConfig(raw, {
    host: env.KILLSWITCH_HOST,
    dataDir: env.KILLSWITCH_DATA_DIR,
    port: env.KILLSWITCH_PORT,
    logLevel: env.KILLSWITCH_LOG_LEVEL,
  });
  return { config, path, demo: path === DEMO_CONFIG_PATH };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
