import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { unverifiedIssuer } from '@killswitch/protocols';
import { matchesSha256, mediaType, postOnly, retryLater, tenantPath, type IdpRouteDeps } from './common.ts';

/** RFC 8935 failure: 400 (or the HTTP status that fits) with `{"err", "description"}`. */
const setError = (reply: FastifyReply, status: number, err: string, description: string) =>
  reply.status(status).header('content-type', 'application/json').send({ err, description });

const URL = '/idp/:tenant/ssf/events';

/** SSF push receiver (RFC 8935): one SET per request, 202 with an empty body once it is durably recorded. */
export function ssfPushRoute(app: FastifyInstance, { registry, receiver }: IdpRouteDeps): void {
  /**
   * Which transmitters the request's Authorization header authenticates, before the body is
   * read: those whose push credential it is, plus those registered without one.
   */
  function authenticatedIssuers(request: FastifyRequest<{ Params: { tenant: string } }>): Set<string> {
    const presented = request.headers.authorization;
    const issuers = new Set<string>();
    for (const idp of registry.tenant(request.params.tenant)?.idps ?? []) {
      const configured = idp.ssf?.pushAuthorizationSha256;
      const connected = receiver.pushAuthorizationOf(request.params.tenant, idp.issuer);
      const open = configured === undefined && connected === undefined;
      if (
        open ||
        (configured !== undefined && matchesSha256(presented, configured)) ||
        (connected !== undefined && matchesSha256(presented, connected))
      )
        issuers.add(idp.issuer);
    }
    return issuers;
  }

  app.post<{ Params: { tenant: string }; Body: string }>(
    URL,
    {
      schema: {
        summary: 'SSF push delivery (RFC 8935) of CAEP / RISC / SSF events',
        description:
          'Body: one SET, `application/secevent+jwt`. 202 empty on success; 400 `{"err","description"}` on a SET error; 503 with `Retry-After` when the IdP’s keys cannot be fetched.',
        tags: ['idp'],
        params: tenantPath,
        consumes: ['application/secevent+jwt'],
      },
      config: { idpErrors: 'ssf', rawBody: true },
    },
    async (request, reply) => {
      // 1. Authenticate (the transmitter's Authorization header), before anything is parsed.
      const issuers = authenticatedIssuers(request);
      if (issuers.size === 0) return setError(reply, 400, 'authentication_failed', 'missing or incorrect Authorization header');
      // 2. Media type and body.
      if (mediaType(request.headers['content-type']) !== 'application/secevent+jwt')
        return setError(reply, 400, 'invalid_request', 'Content-Type must be application/secevent+jwt');
      const token = typeof request.body === 'string' ? request.body.trim() : '';
      const issuer = unverifiedIssuer(token);
      if (issuer === null) return setError(reply, 400, 'invalid_request', 'body is not a SET');
      if (!registry.idp(request.params.tenant, issuer))
        return setError(reply, 400, 'invalid_issuer', 'issuer is not a transmitter of this receiver');
      // The credential must be the one given to this SET's own transmitter.
      if (!issuers.has(issuer)) return setError(reply, 400, 'authentication_failed', 'missing or incorrect Authorization header');
      // 3. Verify and apply.
      const outcome = await receiver.receive(request.params.tenant, token);
      if (!outcome.ok) {
        if (outcome.retryAfterSeconds !== undefined) retryLater(reply, outcome.retryAfterSeconds);
        return setError(reply, outcome.status, outcome.err, outcome.description);
      }
      return reply.status(202).send();
    },
  );
  postOnly(app, URL, 'ssf');
}
