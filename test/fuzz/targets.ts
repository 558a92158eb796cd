import fc from 'fast-check';
import type { IdpSimulator } from '@killswitch/testing';
import { CLIENT_ID, endpoint, IDP_TENANT, PUSH_AUTHORIZATION, RP_CLIENT } from '../src/idp-harness.ts';
import { KEYS } from '../src/test-ledger.ts';
import {
  applyClaims,
  applyEncoding,
  applyHeader,
  claimsMutation,
  encodingMutation,
  headerMutation,
  sign,
  signatureMutation,
  type ClaimsMutation,
  type EncodingMutation,
  type FuzzRequest,
  type HeaderMutation,
  type Json,
  type SignatureMutation,
} from './mutate.ts';

/** How an endpoint answers a refusal: its protocol's error body. */
export type ErrorStyle = 'ssf' | 'oauth' | 'rest';

export interface Target<C> {
  readonly name: string;
  readonly style: ErrorStyle;
  readonly cases: fc.Arbitrary<C>;
  build(c: C, context: FuzzContext): Promise<FuzzRequest>;
}

export interface FuzzContext {
  readonly idp: IdpSimulator;
  /** A fresh number per case, for message ids that never collide (replays are their own mutation). */
  next(): number;
}

interface JwtCase {
  base: number;
  header: HeaderMutation[];
  claims: ClaimsMutation[];
  signature: SignatureMutation;
  encoding: EncodingMutation[];
  /** Mutations of the request body around the token (GTR's JSON), when there is one. */
  body: ClaimsMutation[];
}

const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

function jwtCases(claimNames: readonly string[], bodyNames: readonly string[] = ['sub_id']): fc.Arbitrary<JwtCase> {
  return fc.record({
    base: fc.nat({ max: 7 }),
    header: fc.array(headerMutation, { maxLength: 2 }),
    claims: fc.array(claimsMutation(claimNames), { maxLength: 3 }),
    signature: fc.oneof({ weight: 3, arbitrary: fc.constant<SignatureMutation>('valid') }, { weight: 2, arbitrary: signatureMutation }),
    encoding: fc.oneof(
      { weight: 3, arbitrary: fc.constant<EncodingMutation[]>([]) },
      { weight: 2, arbitrary: fc.array(encodingMutation, { minLength: 1, maxLength: 2 }) },
    ),
    body: fc.array(claimsMutation(bodyNames), { maxLength: 2 }),
  });
}

async function token(c: JwtCase, context: FuzzContext, typ: string, claims: Record<string, Json>): Promise<string> {
  const header = c.header.reduce<Json>((h, m) => (h && typeof h === 'object' && !Array.isArray(h) ? applyHeader(h, m) : h), {
    alg: 'ES256',
    kid: context.idp.es256.kid,
    typ,
  });
  const mutated = c.claims.reduce<Record<string, Json> | string>((current, m) => applyClaims(current, m), claims);
  return sign({ header, claims: mutated }, context.idp, c.signature);
}

const subjects = (idp: IdpSimulator): Json[] => [
  { format: 'iss_sub', iss: idp.issuer, sub: 'u-alice' },
  { format: 'email', email: 'bob@example.com' },
  { format: 'opaque', id: 'alice' },
  { format: 'complex', user: { format: 'iss_sub', iss: idp.issuer, sub: 'u-bob' }, session: { format: 'opaque', id: 'sid-C' } },
  {
    format: 'complex',
    user: { format: 'opaque', id: 'alice' },
    device: { format: 'opaque', id: 'phone' },
    tenant: { format: 'opaque', id: IDP_TENANT },
  },
  {
    format: 'aliases',
    identifiers: [
      { format: 'email', email: 'nobody@example.com' },
      { format: 'opaque', id: 'bob' },
    ],
  },
  { format: 'phone_number', phone_number: '+12065550100' },
  { format: 'account', uri: 'acct:alice@example.com' },
];

const EVENTS: Array<[string, Json]> = [
  [`${CAEP}session-revoked`, { initiating_entity: 'policy', event_timestamp: 1_700_000_000 }],
  [`${CAEP}credential-change`, { credential_type: 'password', change_type: 'revoke' }],
  [`${CAEP}device-compliance-change`, { previous_status: 'compliant', current_status: 'not-compliant' }],
  [`${CAEP}token-claims-change`, { claims: { role: 'ro' } }],
  [`${CAEP}assurance-level-change`, { namespace: 'RFC8176', current_level: 'pwd', change_direction: 'decrease' }],
  [`${RISC}account-disabled`, { reason: 'hijacking' }],
  [`${RISC}credential-compromise`, { credential_type: 'password' }],
  ['https://schemas.openid.net/secevent/ssf/event-type/verification', { state: 'abc' }],
];

export const ssfPush: Target<JwtCase> = {
  name: 'SSF push',
  style: 'ssf',
  cases: jwtCases(['iss', 'aud', 'iat', 'jti', 'sub_id', 'events', 'toe', 'txn']),
  async build(c, context) {
    const { idp } = context;
    const [uri, payload] = EVENTS[c.base % EVENTS.length] as [string, Json];
    const claims: Record<string, Json> = {
      iss: idp.issuer,
      aud: endpoint('acme', 'ssf'),
      iat: idp.now(),
      jti: `fuzz-ssf-${context.next()}`,
      sub_id: subjects(idp)[c.base] as Json,
      events: { [uri]: payload },
    };
    const request: FuzzRequest = {
      method: 'POST',
      path: '/idp/acme/ssf/events',
      headers: { 'content-type': 'application/secevent+jwt', authorization: PUSH_AUTHORIZATION },
      body: await token(c, context, 'secevent+jwt', claims),
    };
    return c.encoding.reduce(applyEncoding, request);
  },
};

const COMMANDS = ['invalidate', 'audit', 'suspend', 'reactivate', 'activate', 'metadata', 'audit_tenant', 'archive'];

export const opCommands: Target<JwtCase> = {
  name: 'OP Commands',
  style: 'oauth',
  cases: jwtCases(['iss', 'aud', 'client_id', 'iat', 'exp', 'jti', 'command', 'tenant', 'sub', 'aud_sub', 'metadata']),
  async build(c, context) {
    const { idp } = context;
    const command = COMMANDS[c.base % COMMANDS.length] as string;
    const claims = idp.command(endpoint('acme', 'op/commands'), CLIENT_ID, IDP_TENANT, command, {
      jti: `fuzz-op-${context.next()}`,
      ...(command.endsWith('_tenant') || command === 'metadata' ? {} : { sub: c.base % 2 === 0 ? 'u-alice' : `u-new-${c.base}` }),
      ...(command === 'metadata' ? { metadata: { domains: ['example.com'] } } : {}),
    }) as Record<string, Json>;
    const request: FuzzRequest = {
      method: 'POST',
      path: '/idp/acme/op/commands',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ command_token: await token(c, context, 'command+jwt', claims) }).toString(),
      formField: 'command_token',
    };
    return c.encoding.reduce(applyEncoding, request);
  },
};

export const backchannelLogout: Target<JwtCase> = {
  name: 'Back-Channel Logout',
  style: 'oauth',
  cases: jwtCases(['iss', 'aud', 'iat', 'exp', 'jti', 'events', 'sid', 'sub', 'nonce']),
  async build(c, context) {
    const { idp } = context;
    const who = [{ sid: 'sid-A' }, { sub: 'u-bob' }, { sid: 'sid-B', sub: 'u-alice' }, { sid: 'unknown' }][c.base % 4] as Record<
      string,
      Json
    >;
    const claims = idp.logout(CLIENT_ID, { jti: `fuzz-bcl-${context.next()}`, ...who }) as Record<string, Json>;
    const request: FuzzRequest = {
      method: 'POST',
      path: '/idp/acme/backchannel-logout',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: await token(c, context, 'logout+jwt', claims) }).toString(),
      formField: 'logout_token',
    };
    return c.encoding.reduce(applyEncoding, request);
  },
};

export const globalTokenRevocation: Target<JwtCase> = {
  name: 'Global Token Revocation',
  style: 'oauth',
  cases: jwtCases(['iss', 'sub', 'aud', 'jti', 'iat', 'nbf', 'exp'], ['sub_id', 'subject']),
  async build(c, context) {
    const { idp } = context;
    const claims = idp.gtrCredential(endpoint('acme', 'global-token-revocation'), CLIENT_ID, {
      jti: `fuzz-gtr-${context.next()}`,
    }) as Record<string, Json>;
    const credential = await token(c, context, 'global-token-revocation+jwt', claims);
    const body = c.body.reduce<Record<string, Json> | string>((b, m) => applyClaims(b, m), { sub_id: subjects(idp)[c.base % 3] as Json });
    const request: FuzzRequest = {
      method: 'POST',
      path: '/idp/acme/global-token-revocation',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    };
    return c.encoding.reduce(applyEncoding, request);
  },
};

interface FormCase {
  fields: Array<[string, string]>;
  auth: 'basic' | 'post' | 'wrong' | 'none' | 'garbage';
  encoding: EncodingMutation[];
}

const formValue = fc.oneof(
  fc.constantFrom('a-rt-online', 'a-at-laptop', 'b-at', 'unknown', '', 'x'.repeat(20_000), 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

export const oauthRevoke: Target<FormCase> = {
  name: 'RFC 7009 revocation',
  style: 'oauth',
  cases: fc.record({
    fields: fc.array(fc.tuple(fc.constantFrom('token', 'token_type_hint', 'client_id', 'client_secret', 'x'), formValue), { maxLength: 5 }),
    auth: fc.constantFrom('basic', 'post', 'wrong', 'none', 'garbage'),
    encoding: fc.array(encodingMutation, { maxLength: 2 }),
  }),
  async build(c) {
    const params = new URLSearchParams(c.fields);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    if (c.auth === 'basic') headers.authorization = basic(RP_CLIENT.id, RP_CLIENT.secret);
    if (c.auth === 'wrong') headers.authorization = basic(RP_CLIENT.id, 'guess');
    if (c.auth === 'garbage') headers.authorization = 'Basic %%%%';
    if (c.auth === 'post') {
      params.set('client_id', RP_CLIENT.id);
      params.set('client_secret', RP_CLIENT.secret);
    }
    const request: FuzzRequest = {
      method: 'POST',
      path: '/v1/tenants/acme/oauth/revoke',
      headers,
      body: params.toString(),
      formField: 'token',
    };
    return c.encoding.reduce(applyEncoding, request);
  },
};

interface JsonCase {
  template: number;
  mutations: ClaimsMutation[];
  auth: 'right' | 'wrong-role' | 'other-tenant' | 'none';
  encoding: EncodingMutation[];
}

/** A JSON route with an API key: valid bodies, then mutated member by member. */
function jsonTarget(name: string, path: string, templates: Array<Record<string, Json>>, role: 'right' | 'read'): Target<JsonCase> {
  const members = [...new Set(templates.flatMap((t) => Object.keys(t)))];
  return {
    name,
    style: 'rest',
    cases: fc.record({
      template: fc.nat({ max: templates.length - 1 }),
      mutations: fc.array(claimsMutation(members.length > 0 ? members : ['x']), { maxLength: 3 }),
      auth: fc.oneof(
        { weight: 4, arbitrary: fc.constant('right' as const) },
        { weight: 1, arbitrary: fc.constantFrom('wrong-role' as const, 'other-tenant' as const, 'none' as const) },
      ),
      encoding: fc.oneof(
        { weight: 3, arbitrary: fc.constant<EncodingMutation[]>([]) },
        { weight: 1, arbitrary: fc.array(encodingMutation, { minLength: 1, maxLength: 2 }) },
      ),
    }),
    async build(c, context) {
      const base = structuredClone(templates[c.template] as Record<string, Json>);
      const body = c.mutations.reduce<Record<string, Json> | string>(
        (b, m) => applyClaims(b, m),
        JSON.parse(JSON.stringify(base).replaceAll('$N', String(context.next()))),
      );
      const key = { right: KEYS.admin, 'wrong-role': role === 'read' ? KEYS.ingest : KEYS.read, 'other-tenant': KEYS.otherAdmin, none: '' }[
        c.auth
      ];
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (key) headers.authorization = `Bearer ${key}`;
      const request: FuzzRequest = { method: 'POST', path, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
      return c.encoding.reduce(applyEncoding, request);
    },
  };
}

const FACTS: Array<Record<string, Json>> = [
  { facts: [{ type: 'session.started', sessionId: 'fz-s$N', userId: 'fz-user', deviceId: 'fz-dev', idpDeviceId: 'urn:dev:$N' }] },
  {
    facts: [
      {
        type: 'token.minted',
        kind: 'access',
        format: 'jwt',
        claims: { jti: 'fz-t$N', sub: 'alice', sid: 'a-phone', iat: 1_763_800_000, exp: 4_102_444_800 },
      },
    ],
  },
  { facts: [{ type: 'grant.issued', grantId: 'fz-g$N', sessionId: 'a-phone', clientId: 'web', offlineAccess: true }] },
  { facts: [{ type: 'agent.spawned', agentId: 'fz-a$N', sessionId: 'a-phone', runtimeUrl: 'https://agents.example/a2a' }] },
  { facts: [{ type: 'user.linked', userId: 'fz-user', identifiers: [{ format: 'email', email: 'fz$N@example.com' }] }] },
  { facts: [{ type: 'device.linked', deviceId: 'fz-dev', identifiers: [{ format: 'opaque', id: 'fz-idp-dev-$N' }] }] },
  { facts: [{ type: 'session.activity', sessionId: 'a-phone', ip: '192.0.2.9' }] },
];

export const restTargets: Array<Target<JsonCase>> = [
  jsonTarget('POST facts', '/v1/tenants/acme/facts', FACTS, 'right'),
  jsonTarget(
    'POST terminations',
    '/v1/tenants/acme/terminations',
    [
      { scope: 'token_revocation', target: { type: 'token', id: 'fz-t1' }, reason: 'fuzz' },
      { scope: 'session_scoped_revocation', target: { type: 'device', id: 'fz-dev' }, reason: 'fuzz' },
      { scope: 'session_invalidation', target: { type: 'user', id: 'fz-user' }, reason: 'fuzz', ipsieLevel: 'SL3' },
    ],
    'right',
  ),
  jsonTarget(
    'POST check',
    '/v1/tenants/acme/check',
    [{ tokenId: 'b-at' }, { sessionId: 'b-laptop' }, { claims: { sub: 'bob', iat: 1_763_800_000 } }],
    'read',
  ),
  jsonTarget('POST refresh-presented', '/v1/tenants/acme/oauth/refresh-presented', [{ tokenId: 'fz-rt-$N' }], 'right'),
  jsonTarget('POST sign-out-others', '/v1/tenants/acme/users/fz-user/sign-out-others', [{ currentSessionId: 'fz-s1' }], 'right'),
];
