import type { FastifyInstance, FastifyReply } from 'fastify';
import { unverifiedIssuer } from '@killswitch/protocols';
import { matchesSha256, mediaType, tenantPath, type IdpRouteDeps } from './common.ts';

/** RFC 8935 failure: 400 (or the HTTP status that fits) with `{"err", "description"}`. */
const setError = (reply: FastifyReply, status: number, err: string, description: string) =>
  reply.status(status).header('content-type', 'application/json').send({ err, description });

/** SSF push receiver (RFC 8935): one SET per request, 202 with an empty body once it is durably recorded. */
export function ssfPushRoute(app: FastifyInstance, { registry, receiver }: IdpRouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: string }>(
    '/idp/:tenant/ssf/events',
    {
      schema: {
        summary: 'SSF push delivery (RFC 8935) of CAEP / RISC / SSF events',
        description: 'Body: one SET, `application/secevent+jwt`. 202 empty on success; 400 `{"err","description"}` on a SET error.',
        tags: ['idp'],
        params: tenantPath,
        consumes: ['application/secevent+jwt'],
      },
      config: { idpErrors: 'ssf' },
    },
    async (request, reply) => {
      if (mediaType(request.headers['content-type']) !== 'application/secevent+jwt') {
        return setError(reply, 415, 'invalid_request', 'Content-Type must be application/secevent+jwt');
      }
      const token = typeof request.body === 'string' ? request.body.trim() : '';
      const { tenant } = request.params;
      const issuer = unverifiedIssuer(token);
      const registered = issuer ? registry.idp(tenant, issuer) : undefined;
      const expected = registered?.idp.ssf?.pushAuthorizationSha256;
      const connected = issuer ? receiver.pushAuthorizationOf(tenant, issuer) : undefined;
      // The transmitter must send the exact Authorization value given for its stream.
      const presented = request.headers.authorization;
      const authorized =
        (expected === undefined && connected === undefined) ||
        (expected !== undefined && matchesSha256(presented, expected)) ||
        (connected !== undefined && matchesSha256(presented, connected));
      if (!authorized) return setError(reply, 400, 'authentication_failed', 'missing or incorrect Authorization header');
      const outcome = await receiver.receive(tenant, token);
      if (!outcome.ok) return setError(reply, outcome.status, outcome.err, outcome.description);
      return reply.status(202).send();
    },
  );
}
