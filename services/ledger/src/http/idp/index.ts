import type { FastifyInstance } from 'fastify';
import { backchannelLogoutRoute } from './backchannel-logout.ts';
import { registerRawBody, type IdpRouteDeps } from './common.ts';
import { globalTokenRevocationRoute } from './global-token-revocation.ts';
import { oauthRevocationRoutes } from './oauth-revocation.ts';
import { opCommandsRoute } from './op-commands.ts';
import { refreshReuseRoute } from './refresh-reuse.ts';
import { ssfPushRoute } from './ssf.ts';

export type { IdpRouteDeps } from './common.ts';

/**
 * The IdP-facing protocol endpoints, in their own encapsulated context: a small body limit (so
 * oversized bodies get 413 before any parsing) and raw bodies, which each endpoint authenticates
 * before it parses them.
 */
export function idpRoutes(deps: IdpRouteDeps, bodyLimit: number) {
  return async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      route.bodyLimit ??= bodyLimit;
    });
    registerRawBody(app, bodyLimit);
    for (const routes of [ssfPushRoute, opCommandsRoute, globalTokenRevocationRoute, backchannelLogoutRoute, oauthRevocationRoutes])
      routes(app, deps);
  };
}

/** Routes the RP's own services call with an API key and JSON (refresh-token reuse). */
export function rpOAuthRoutes(deps: IdpRouteDeps) {
  return async (app: FastifyInstance) => {
    refreshReuseRoute(app, deps);
  };
}
