import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { tenantParams } from '../schemas.ts';

/** Where `npm run build -w @killswitch/console` puts the console's static build. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../../console/dist/', import.meta.url));

/** Same origin, no inline scripts, nothing from elsewhere: the console works offline. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const encodeCursor = (values: string[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** A cursor this API returned, or 400 ERR_CURSOR. */
function decodeCursor(cursor: string): string[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string')) return values as string[];
  } catch {
    /* below */
  }
  throw new HttpError(400, 'ERR_CURSOR', 'this cursor was not returned by this API');
}

/** A prefix list's query: the prefix, the page size, and the keys of the row the cursor ends after (none on the first page). */
function prefixPage(query: { prefix?: string; cursor?: string; limit?: string }): { prefix: string; limit: number; after: string[] } {
  return {
    prefix: query.prefix ?? '',
    limit: Number(query.limit ?? 100),
    after: query.cursor === undefined ? [] : decodeCursor(query.cursor),
  };
}

/** The SOC console (static, same origin as the API) and the two API calls only it needs. */
export async function consoleRoutes(app: FastifyInstance, { ledger, config, authenticator }: RouteDeps): Promise<void> {
  app.get(
    '/v1/whoami',
    {
      schema: {
        summary: 'The tenant and roles of the presented API key (the console shows only what the key may do)',
        tags: ['console'],
        response: {
          200: {
            type: 'object',
            required: ['tenant', 'keyName', 'roles'],
            properties: { tenant: { type: 'string' }, keyName: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const principal = authenticator.identify(request);
      return { tenant: principal.tenant, keyName: principal.keyName, roles: [...principal.roles] };
    },
  );

  app.get<{ Params: { tenant: string }; Querystring: { q: string } }>(
    '/v1/tenants/:tenant/search',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'Find a user by RP user id, email, phone or IdP subject, or a session, grant, agent, token or device by id (exact match, index lookups)',
        tags: ['console'],
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['q'],
          properties: { q: { type: 'string', minLength: 1, maxLength: 512 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['results'],
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['type', 'id', 'userIds', 'matched'],
                  properties: {
                    type: { type: 'string' },
                    id: { type: 'string' },
                    userIds: { type: 'array', items: { type: 'string' } },
                    matched: { type: 'string' },
                  },
                },
              },
            },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const issuers = config.tenants.find((t) => t.id === tenant)?.idps.map((idp) => idp.issuer) ?? [];
      const results = await ledger.search(tenant, request.query.q.trim(), issuers);
      return { results: results.map((r) => ({ ...r, type: r.type.toLowerCase() })) };
    },
  );

  const page = {
    prefix: { type: 'string', maxLength: 256, description: 'Ids starting with this (empty: all)' },
    cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,1400}$', description: '`next` of the previous page' },
    limit: { type: 'string', pattern: '^(1000|[1-9][0-9]{0,2})$', description: 'Page size, 1 to 1000 (default 100)' },
  } as const;

  app.get<{ Params: { tenant: string }; Querystring: { prefix?: string; cursor?: string; limit?: string } }>(
    '/v1/tenants/:tenant/users',
    {
      config: { role: 'read' },
      schema: {
        summary: 'RP user ids in order, optionally starting with a prefix; cursor-paginated',
        tags: ['console'],
        params: tenantParams,
        querystring: { type: 'object', additionalProperties: false, properties: page },
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { prefix, limit, after } = prefixPage(request.query);
      await ledger.durableCaughtUp();
      const users = ledger.accountsHistory.listUsers(request.params.tenant, prefix, after[0] ?? null, limit);
      const last = users.length === limit ? users[users.length - 1] : undefined;
      return { users: users.map((userId) => ({ userId })), next: last === undefined ? null : encodeCursor([last]) };
    },
  );

  app.get<{ Params: { tenant: string; type: string }; Querystring: { prefix?: string; cursor?: string; limit?: string } }>(
    '/v1/tenants/:tenant/nodes/:type',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Sessions, grants, agents, tokens or devices ever recorded, in id order, optionally by id prefix; cursor-paginated',
        tags: ['console'],
        params: {
          ...tenantParams,
          required: ['tenant', 'type'],
          properties: { ...tenantParams.properties, type: { enum: ['session', 'grant', 'agent', 'token', 'device'] } },
        },
        querystring: { type: 'object', additionalProperties: false, properties: page },
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { prefix, limit, after } = prefixPage(request.query);
      await ledger.durableCaughtUp();
      const kind = request.params.type.toUpperCase() as 'SESSION' | 'GRANT' | 'AGENT' | 'TOKEN' | 'DEVICE';
      const [id, userId] = after;
      const nodes = ledger.history.listNodes(
        request.params.tenant,
        kind,
        prefix,
        id === undefined ? null : { id, userId: userId ?? '' },
        limit,
      );
      const last = nodes.length === limit ? nodes[nodes.length - 1] : undefined;
      return {
        nodes: nodes.map((n) => ({ type: request.params.type, ...n })),
        next: last === undefined ? null : encodeCursor([last.id, last.userId]),
      };
    },
  );

  if (!existsSync(CONSOLE_DIST)) {
    const notBuilt = async () => {
      throw new HttpError(503, 'ERR_CONSOLE_NOT_BUILT', 'the console is not built: run `npm run build -w @killswitch/console`');
    };
    for (const url of ['/console', '/console/*']) app.get(url, { schema: { hide: true } }, notBuilt);
    return;
  }
  await app.register(fastifyStatic, {
    root: CONSOLE_DIST,
    prefix: '/console/',
    index: 'index.html',
    wildcard: true,
    schemaHide: true,
    setHeaders: (reply, path) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      // Hashed assets never change; the page itself is always revalidated.
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 308));
}
