import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyContextConfig, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { EventStore } from '@killswitch/event-store';
import type { ProjectionHost } from '@killswitch/projections';
import type { Caller } from '../application/context.ts';
import type { Ledger } from '../application/ledger.ts';
import type { LedgerConfig } from '../config.ts';
import { AccessLog } from './access-log.ts';
import { ApiKeyAuthenticator } from './auth.ts';
import { errorHandler, HttpError, notFoundHandler } from './errors.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { routeConfigOf } from './route-config.ts';
import { checkRoutes } from './routes/check.ts';
import { factRoutes } from './routes/facts.ts';
import { forensicRoutes } from './routes/forensics.ts';
import { opsRoutes } from './routes/ops.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { terminationRoutes } from './routes/terminations.ts';
import { feedRoutes } from './routes/feed.ts';
import { presentationRoutes } from './routes/presentations.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { exportRoutes } from './routes/exports.ts';
import { consoleRoutes } from './routes/console.ts';
import type { WebhookReactor } from '../reactors/webhooks.ts';
import { idpRoutes, rpOAuthRoutes, type IdpRouteDeps } from './idp/index.ts';
import { lazyValidators } from './lazy-validators.ts';

export interface AppDeps {
  readonly config: LedgerConfig;
  readonly ledger: Ledger;
  readonly store: EventStore;
  readonly host: ProjectionHost;
  /** A pino logger, or false for none (tests). */
  readonly logger?: FastifyBaseLogger | false;
  /** The RP's receipt-signing key, published at /.well-known/jwks.json. */
  readonly signingKey?: import('@killswitch/protocols').SigningKey;
  /** The IdP protocol endpoints; absent, the ledger serves its own API only. */
  readonly idp?: IdpRouteDeps;
  /** The outbound-webhook reactor, when this process runs it (resend on demand). */
  readonly webhooks?: WebhookReactor;
}

export interface RouteDeps extends AppDeps {
  readonly metrics: Metrics;
  readonly authenticator: ApiKeyAuthenticator;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, for event metadata. */
    caller(source?: string): Caller;
  }
}

/** Each route takes the media types it declares (JSON unless `consumes` says otherwise), nothing else. */
function assertMediaType(request: FastifyRequest, config: FastifyContextConfig): void {
  const hasBody =
    request.headers['content-type'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0 ||
    request.headers['transfer-encoding'] !== undefined;
  if (!hasBody || request.method === 'GET' || config.rawBody) return;
  const accepted = config.consumes ?? ['application/json'];
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!accepted.includes(type)) throw new HttpError(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', `expected ${accepted.join(' or ')}`);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** How long after listening the request validators not used yet start compiling in the background. */
const VALIDATORS_WARM_UP_DELAY_MS = 1000;

/** For each known path, the methods it does not serve answer 405 with `Allow`, not 404. */
function methodNotAllowedRoutes(app: FastifyInstance, routeMethods: ReadonlyMap<string, ReadonlySet<string>>): void {
  for (const [url, served] of [...routeMethods]) {
    const missing = METHODS.filter((m) => !served.has(m));
    if (missing.length === 0 || url === '*' || url.endsWith('*')) continue;
    const allow = METHODS.filter((m) => served.has(m)).join(', ');
    app.route({
      method: missing,
      url,
      schema: { hide: true },
      handler: async (request, reply) =>
        reply
          .status(405)
          .header('allow', allow)
          .send({ error: 'ERR_METHOD_NOT_ALLOWED', message: `${request.method} is not allowed here; use ${allow}`, requestId: request.id }),
    });
  }
}

/** Builds the ledger's HTTP API. `server.ts`/`main.ts` only start it. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const validators = lazyValidators();
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    schemaController: { compilersFactory: { buildValidator: validators.buildValidator } },
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: () => randomUUID(),
    logController: new AccessLog(deps.logger),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false, discriminator: true } },
  }) as unknown as FastifyInstance;
  const metrics = createMetrics();
  const authenticator = new ApiKeyAuthenticator(deps.config);

  app.decorateRequest('principal', null);
  app.decorateRequest('routeConfig', null);
  app.decorateRequest('caller', function (this: import('fastify').FastifyRequest, source = 'API') {
    const principal = this.principal;
    if (!principal) throw new Error('caller() on an unauthenticated route');
    return { tenant: principal.tenant, actor: `api-key:${principal.keyName}`, source: source.toLowerCase(), correlationId: this.id };
  });
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      const config = request.routeOptions.config;
      request.routeConfig = config;
      if (config.role) request.principal = authenticator.authorize(request, config.role);
      assertMediaType(request, config);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.http.record(request.method, routeConfigOf(request)?.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  // Every route's methods, so that another method on a known path answers 405 (RFC 9110 §15.5.6).
  const routeMethods = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    // The media types a route takes, where its requests' hooks find them (see assertMediaType).
    const consumes = (route.schema as { consumes?: string[] } | undefined)?.consumes;
    if (consumes) route.config = { ...route.config, consumes };
    const methods = routeMethods.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    routeMethods.set(route.url, methods);
  });
  // Listening first, then the request validators not used yet are compiled (see lazyValidators),
  // a second later: the readiness probes and first requests of a restart are answered before it
  // (one route's schemas take up to ~150 ms of one turn here).
  app.addHook('onListen', (done) => {
    setTimeout(() => {
      validators.compileAll().catch((error: unknown) => app.log.error({ err: error }, 'request validators did not compile'));
    }, VALIDATORS_WARM_UP_DELAY_MS).unref();
    done();
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  await app.register(formbody, { bodyLimit: deps.config.bodyLimitBytes });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Killswitch ledger API', version: '0.1.0', description: 'Event-sourced revocation ledger for a Relying Party.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Per-tenant API key' } } },
      security: [{ apiKey: [] }],
    },
  });
  const routeDeps: RouteDeps = { ...deps, metrics, authenticator };
  for (const routes of [
    opsRoutes,
    factRoutes,
    terminationRoutes,
    checkRoutes,
    sessionRoutes,
    forensicRoutes,
    feedRoutes,
    presentationRoutes,
    webhookRoutes,
    exportRoutes,
  ])
    routes(app, routeDeps);
  await consoleRoutes(app, routeDeps);
  if (deps.idp) {
    await app.register(idpRoutes(deps.idp, deps.config.idpBodyLimitBytes), { bodyLimit: deps.config.idpBodyLimitBytes } as never);
    await app.register(rpOAuthRoutes(deps.idp));
  }
  methodNotAllowedRoutes(app, routeMethods);
  await app.ready();
  return app;
}
