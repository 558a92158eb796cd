import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The matched route's config (its pattern in `url`), read once when the request arrives: every
     * `request.routeOptions` builds a new object of the route's options, and a request's hooks, its
     * error handler and its access line all need it.
     */
    routeConfig: FastifyRequest['routeOptions']['config'] | null;
  }
}

/**
 * The matched route's config, as read once on arrival (or now, for a request failed before that;
 * undefined where fastify failed it before routing).
 */
export const routeConfigOf = (request: FastifyRequest): FastifyRequest['routeOptions']['config'] | undefined =>
  request.routeConfig ?? (request.routeOptions.config as FastifyRequest['routeOptions']['config'] | undefined);
