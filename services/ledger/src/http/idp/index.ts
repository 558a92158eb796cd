import type { FastifyInstance } from 'fastify';
import { backchannelLogoutRoute } from './backchannel-logout.ts';
import { registerRawParsers, type IdpRouteDeps } from './common.ts';
import { globalTokenRevocationRoute } from './global-token-revocation.ts';
import { oauthRevocationRoutes } from './oauth-revocation.ts';
import { opCommandsRoute } from './op-commands.ts';
import { refreshReuseRoute } from './refresh-reuse.ts';
import { ssfPushRoute } from './ssf.ts';

export type { IdpRouteDeps } from './common.ts';

/** The IdP-facing protocol endpoints, with their own (small) body limit. */
export function idpRoutes(deps: IdpRouteDeps, bodyLimit: number) {
  return async (app: FastifyInstance) => {
    // IdP messages are small: a route-level limit, so oversized bodies get 413 before any parsing.
    app.addHook('onRoute', (route) => {
      route.bodyLimit ??= bodyLimit;
    });
    registerRawParsers(app, bodyLimit);
    for (const routes of [
      ssfPushRoute,
      opCommandsRoute,
      globalTokenRevocationRoute,
      backchannelLogoutRoute,
      oauthRevocationRoutes,
      refreshReuseRoute,
    ])
      routes(app, deps);
  };
}
