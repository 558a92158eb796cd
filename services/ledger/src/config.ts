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

export interface TenantConfig {
  readonly id: string;
  readonly ipsieLevel: 'SL2' | 'SL3';
  readonly apiKeys: readonly ApiKeyConfig[];
}

export interface LedgerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly activityCoalesceMs: number;
  readonly bodyLimitBytes: number;
  readonly maxFactsPerBatch: number;
  readonly logLevel: string;
  readonly tenants: readonly TenantConfig[];
}

const ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' };

const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  properties: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    dataDir: { type: 'string', default: 'data' },
    activityCoalesceMs: { type: 'integer', minimum: 0, default: 60_000 },
    bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024 },
    maxFactsPerBatch: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
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
