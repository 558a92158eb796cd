import { createHash } from 'node:crypto';
import { IdpSimulator } from '@killswitch/testing';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { PUBLIC_BASE_URL, startTestLedger, type TestLedger } from './test-ledger.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export const PUSH_AUTHORIZATION = 'Bearer push-secret-for-acme';
export const GTR_CLIENT = { id: 'okta-gtr', secret: 'gtr-client-secret' };
export const RP_CLIENT = { id: 'web', secret: 'web-client-secret' };
export const CLIENT_ID = 'rp-client-1';
export const IDP_TENANT = 'tnt-acme';
export const endpoint = (tenant: string, path: string) => `${PUBLIC_BASE_URL}/idp/${tenant}/${path}`;

export interface IdpHarness {
  ledger: TestLedger;
  /** acme's IdP. */
  idp: IdpSimulator;
  /** The other tenant's IdP. */
  otherIdp: IdpSimulator;
  /** Events in the store: a rejected message must not change it. */
  head(): Promise<number>;
  close(): Promise<void>;
}

/** A ledger whose tenants trust one simulated IdP each, and alice, bob and carol logged in through acme's. */
/**
 * Gives the tests of the enclosing block a harness through `use`: a fresh one for each test, or
 * (`shared`) one for the whole block, for tests that must change nothing and each check so.
 */
export function withIdpHarness(
  use: (harness: IdpHarness) => void,
  mode: 'each' | 'shared' = 'each',
  options?: Parameters<typeof startIdpHarness>[0],
): void {
  let harness: IdpHarness | undefined;
  const open = async () => use((harness = await startIdpHarness(options)));
  const close = async () => {
    await harness?.close();
    harness = undefined;
  };
  if (mode === 'shared') {
    beforeAll(open);
    afterAll(close);
  } else {
    beforeEach(open);
    afterEach(close);
  }
}

export async function startIdpHarness(
  options: {
    scopePolicy?: Record<string, string>;
    extra?: Record<string, unknown>;
    idpExtra?: (idp: IdpSimulator) => Record<string, unknown>;
  } = {},
): Promise<IdpHarness> {
  const [idp, otherIdp] = await Promise.all([IdpSimulator.start(), IdpSimulator.start()]);
  const ledger = await startTestLedger({
    extra: { jwksCooldownSeconds: 30, ...options.extra },
    tenantExtras: {
      acme: {
        idps: [
          {
            issuer: idp.issuer,
            jwksUri: idp.jwksUri,
            algorithms: ['RS256', 'ES256'],
            clientId: CLIENT_ID,
            idpTenant: IDP_TENANT,
            ssf: { pushAuthorizationSha256: sha256(PUSH_AUTHORIZATION) },
            gtr: { clientCredentials: [{ clientId: GTR_CLIENT.id, secretSha256: sha256(GTR_CLIENT.secret) }] },
            ...options.idpExtra?.(idp),
          },
        ],
        clients: [{ clientId: RP_CLIENT.id, secretSha256: sha256(RP_CLIENT.secret) }],
        scopePolicy: options.scopePolicy ?? {},
      },
      other: { idps: [{ issuer: otherIdp.issuer, jwksUri: otherIdp.jwksUri, clientId: 'rp-client-other', idpTenant: 'tnt-other' }] },
    },
  });
  const now = Date.now();
  const facts = [
    {
      type: 'session.started',
      sessionId: 'a-laptop',
      userId: 'alice',
      deviceId: 'laptop',
      idpIssuer: idp.issuer,
      idpSubject: 'u-alice',
      idpSid: 'sid-A',
      clientId: 'web',
      startedAt: now - 1000,
    },
    {
      type: 'session.started',
      sessionId: 'a-phone',
      userId: 'alice',
      deviceId: 'phone',
      idpIssuer: idp.issuer,
      idpSubject: 'u-alice',
      idpSid: 'sid-B',
      clientId: 'web',
      startedAt: now - 1000,
    },
    { type: 'grant.issued', grantId: 'a-online', sessionId: 'a-laptop', clientId: 'web', issuedAt: now - 1000 },
    { type: 'grant.issued', grantId: 'a-offline', sessionId: 'a-laptop', clientId: 'web', offlineAccess: true, issuedAt: now - 1000 },
    {
      type: 'token.minted',
      kind: 'refresh',
      format: 'reference',
      tokenId: 'a-rt-online',
      grantId: 'a-online',
      clientId: 'web',
      issuedAt: now - 1000,
      expiresAt: now + 86_400_000,
    },
    {
      type: 'token.minted',
      kind: 'refresh',
      format: 'reference',
      tokenId: 'a-rt-offline',
      grantId: 'a-offline',
      clientId: 'web',
      issuedAt: now - 1000,
      expiresAt: now + 86_400_000,
    },
    {
      type: 'token.minted',
      kind: 'access',
      format: 'jwt',
      tokenId: 'a-at-laptop',
      sessionId: 'a-laptop',
      grantId: 'a-online',
      clientId: 'web',
      issuedAt: now - 1000,
      expiresAt: now + 600_000,
    },
    {
      type: 'token.minted',
      kind: 'access',
      format: 'jwt',
      tokenId: 'a-at-phone',
      sessionId: 'a-phone',
      clientId: 'web',
      issuedAt: now - 1000,
      expiresAt: now + 600_000,
    },
    { type: 'agent.spawned', agentId: 'a-agent', sessionId: 'a-laptop', spawnedAt: now - 1000 },
    {
      type: 'token.minted',
      kind: 'agent',
      format: 'jwt',
      tokenId: 'a-at-agent',
      agentId: 'a-agent',
      issuedAt: now - 1000,
      expiresAt: now + 600_000,
    },
    {
      type: 'session.started',
      sessionId: 'b-laptop',
      userId: 'bob',
      idpIssuer: idp.issuer,
      idpSubject: 'u-bob',
      idpSid: 'sid-C',
      startedAt: now - 1000,
    },
    {
      type: 'token.minted',
      kind: 'access',
      format: 'jwt',
      tokenId: 'b-at',
      sessionId: 'b-laptop',
      issuedAt: now - 1000,
      expiresAt: now + 600_000,
    },
    {
      type: 'user.linked',
      userId: 'alice',
      identifiers: [
        { format: 'email', email: 'Alice@Example.com' },
        { format: 'phone_number', phone_number: '+12065550100' },
      ],
    },
    { type: 'user.linked', userId: 'bob', identifiers: [{ format: 'email', email: 'bob@example.com' }] },
  ];
  const ingested = await ledger.call('POST', '/v1/tenants/acme/facts', { facts });
  if (ingested.status !== 200) throw new Error(`fixture ingest failed: ${JSON.stringify(ingested.body)}`);
  // The other tenant has its own alice, known to its own IdP under the same sub.
  await ledger.call(
    'POST',
    '/v1/tenants/other/facts',
    {
      facts: [
        {
          type: 'session.started',
          sessionId: 'o-alice',
          userId: 'alice',
          idpIssuer: otherIdp.issuer,
          idpSubject: 'u-alice',
          idpSid: 'sid-A',
          startedAt: now - 1000,
        },
        {
          type: 'token.minted',
          kind: 'access',
          format: 'reference',
          tokenId: 'o-at',
          sessionId: 'o-alice',
          issuedAt: now - 1000,
          expiresAt: now + 600_000,
        },
      ],
    },
    'ks_test_other_admin',
  );
  return {
    ledger,
    idp,
    otherIdp,
    head: () => ledger.runtime.store.headPosition(),
    async close() {
      await ledger.destroy();
      await Promise.all([idp.close(), otherIdp.close()]);
    },
  };
}

/** Active state of tokens and sessions, by id, in a tenant. */
export async function states(ledger: TestLedger, ids: { tokens?: string[]; sessions?: string[] }, tenant = 'acme', key?: string) {
  const result: Record<string, boolean> = {};
  for (const tokenId of ids.tokens ?? [])
    result[tokenId] = (await ledger.call('POST', `/v1/tenants/${tenant}/check`, { tokenId }, key)).body.active;
  for (const sessionId of ids.sessions ?? [])
    result[sessionId] = (await ledger.call('POST', `/v1/tenants/${tenant}/check`, { sessionId }, key)).body.active;
  return result;
}
