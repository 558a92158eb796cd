import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema } from '../errors.ts';
import { asOfQuery, id, parseAsOf, tenantParams, terminationSchema, type AsOfParams } from '../schemas.ts';
import { terminationView } from './terminations.ts';

const userParams = { ...tenantParams, required: ['tenant', 'userId'], properties: { ...tenantParams.properties, userId: id } };
const signOutResponse = { type: 'object', properties: { terminations: { type: 'array', items: terminationSchema } } };

const sessionSchema = {
  type: 'object',
  properties: {
    sessionId: { type: 'string' },
    parentSessionId: { type: ['string', 'null'] },
    deviceId: { type: ['string', 'null'] },
    clientId: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    userAgent: { type: ['string', 'null'] },
    startedAt: { type: 'integer' },
    lastActivityAt: { type: 'integer' },
    expiresAt: { type: ['integer', 'null'] },
    status: { type: 'string' },
    terminationId: { type: ['string', 'null'] },
  },
} as const;

export function sessionRoutes(app: FastifyInstance, { ledger }: RouteDeps): void {
  app.get<{ Params: { tenant: string; userId: string }; Querystring: AsOfParams }>(
    '/v1/tenants/:tenant/users/:userId/sessions',
    {
      config: { role: 'read' },
      schema: {
        summary: "A user's sessions: device, IP, user agent, last activity, status (now, or as of an instant or position)",
        tags: ['sessions'],
        params: userParams,
        querystring: asOfQuery,
        response: { 200: { type: 'object', properties: { sessions: { type: 'array', items: sessionSchema } } }, '4xx': errorBodySchema },
      },
    },
    async (request) => ({ sessions: await ledger.sessionsOf(request.params.tenant, request.params.userId, parseAsOf(request.query)) }),
  );

  const signOut = (
    summary: string,
    url: string,
    which: (params: Record<string, string>, body: { currentSessionId?: string } | undefined) => { only?: string; except?: string },
    extraParams = {},
    body?: object,
  ) =>
    app.post<{ Params: Record<string, string>; Body: { currentSessionId?: string } }>(
      url,
      {
        config: { role: 'respond' },
        schema: {
          summary,
          description: 'Session-Scoped Revocation of each session named: the session, its tokens, agents and derived sessions end.',
          tags: ['sessions'],
          params: { ...userParams, properties: { ...userParams.properties, ...extraParams } },
          ...(body ? { body } : {}),
          response: { 200: signOutResponse, '4xx': errorBodySchema },
        },
      },
      async (request) => {
        const records = await ledger.signOut(request.caller('USER'), request.params.userId as string, which(request.params, request.body));
        return { terminations: records.map((r) => terminationView(r, false)) };
      },
    );

  signOut(
    'Sign out one session',
    '/v1/tenants/:tenant/users/:userId/sessions/:sessionId/sign-out',
    (p) => ({ only: p.sessionId as string }),
    { sessionId: id },
  );
  signOut(
    'Sign out every other session',
    '/v1/tenants/:tenant/users/:userId/sign-out-others',
    (_p, b) => ({ except: b?.currentSessionId as string }),
    {},
    {
      type: 'object',
      additionalProperties: false,
      required: ['currentSessionId'],
      properties: { currentSessionId: id },
    },
  );
  signOut('Sign out every session', '/v1/tenants/:tenant/users/:userId/sign-out-all', () => ({}));
}
