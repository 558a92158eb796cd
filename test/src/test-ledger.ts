import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp, eventsPath, parseConfig, startRuntime, type LedgerConfig, type Runtime } from '@killswitch/ledger';
import { SqliteEventStore } from '@killswitch/event-store';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

export const KEYS = {
  admin: 'ks_test_acme_admin',
  ingest: 'ks_test_acme_ingest',
  read: 'ks_test_acme_read',
  otherAdmin: 'ks_test_other_admin',
} as const;

export const PUBLIC_BASE_URL = 'https://rp.example.test';

export function testConfig(
  dataDir: string,
  extra: Record<string, unknown> = {},
  tenantExtras: Record<string, Record<string, unknown>> = {},
): LedgerConfig {
  return parseConfig({
    publicBaseUrl: PUBLIC_BASE_URL,
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    tenants: [
      {
        id: 'acme',
        ipsieLevel: 'SL2',
        apiKeys: [
          { name: 'admin', sha256: sha256(KEYS.admin), roles: ['ingest', 'read', 'respond', 'audit'] },
          { name: 'ingest', sha256: sha256(KEYS.ingest), roles: ['ingest'] },
          { name: 'read', sha256: sha256(KEYS.read), roles: ['read'] },
        ],
        ...tenantExtras.acme,
      },
      {
        id: 'other',
        apiKeys: [{ name: 'admin', sha256: sha256(KEYS.otherAdmin), roles: ['ingest', 'read', 'respond', 'audit'] }],
        ...tenantExtras.other,
      },
    ],
    ...extra,
  });
}

export interface TestLedger {
  readonly url: string;
  readonly dataDir: string;
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  /** Raw request (no API key): for the IdP protocol endpoints. */
  raw(
    method: string,
    path: string,
    body: string | undefined,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  /** JSON request with an API key; returns status and parsed body. */
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  restart(): Promise<TestLedger>;
  close(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

/** A real ledger: a real SQLite file, a real HTTP server on loopback. */
export async function startTestLedger(
  options: {
    dataDir?: string;
    now?: () => number;
    /** The ledger's clock and the store's (events are recorded at its time): a test moves time on. */
    clock?: () => number;
    tenantExtras?: Record<string, Record<string, unknown>>;
    extra?: Record<string, unknown>;
  } = {},
): Promise<TestLedger> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ks-e2e-'));
  const config = testConfig(dataDir, options.extra, options.tenantExtras);
  const runtime = await startRuntime(
    config,
    options.clock
      ? { now: options.clock, store: new SqliteEventStore({ path: eventsPath(dataDir), now: options.clock }) }
      : options.now
        ? { now: options.now }
        : {},
  );
  const app = await buildApp({
    config,
    ledger: runtime.ledger,
    store: runtime.store,
    host: runtime.host,
    logger: false,
    idp: runtime.idp,
    signingKey: runtime.signingKey,
    webhooks: runtime.webhooks,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const ledger: TestLedger = {
    url,
    dataDir,
    runtime,
    app,
    async call(method, path, body, key: string = KEYS.admin, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: response.status, body: parsed };
    },
    async raw(method, path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: response.status, body: parsed, headers: response.headers, text };
    },
    async restart() {
      await ledger.close();
      return startTestLedger({ ...options, dataDir });
    },
    async close() {
      await app.close();
      await runtime.close();
    },
    async destroy() {
      await ledger.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ledger;
}

/** Every row of a ledger's durable read models, once its writer has committed all the ledger applied. */
export async function readModelsOf(ledger: TestLedger): Promise<Record<string, unknown[]>> {
  await ledger.runtime.readModels.caughtUp(ledger.runtime.host.position);
  return ledger.runtime.readModels.reader.dump();
}
