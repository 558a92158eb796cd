import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JwtRejected, parseSubjectId, SubjectIdError, unverifiedIssuer, verifyJwt, type SimpleSubject } from '@killswitch/protocols';
import type { RegisteredIdp } from '../../idp/registry.ts';
import { matchesSha256, oauthError, parseJson, postOnly, retryLater, tenantPath, type IdpRouteDeps } from './common.ts';

type Caller = { registered: RegisteredIdp; messageId: string } | { error: string; retryAfterSeconds?: number };

const URL = '/idp/:tenant/global-token-revocation';

/**
 * OAuth Global Token Revocation (draft -05, Okta/Auth0 profile), in the order the draft's
 * deployments use: authenticate (401, or 503 when the IdP's keys cannot be had), parse (400),
 * resolve the user in this tenant (404), apply Global Revocation (204 / 422).
 */
export function globalTokenRevocationRoute(app: FastifyInstance, { registry, gateway, now }: IdpRouteDeps): void {
  async function authenticate(request: FastifyRequest<{ Params: { tenant: string } }>): Promise<Caller> {
    const { tenant } = request.params;
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header)?.[1];
    if (bearer) {
      const issuer = unverifiedIssuer(bearer);
      const registered = issuer ? registry.idp(tenant, issuer) : undefined;
      if (!issuer || !registered) return { error: 'unknown issuer' };
      try {
        const claims = await verifyJwt(bearer, registered.trusted, {
          typ: ['global-token-revocation+jwt'],
          audience: registry.endpointUrl(tenant, 'global-token-revocation'),
          subject: registered.idp.clientId,
          required: ['iss', 'sub', 'aud', 'jti', 'iat', 'exp'],
          forbidden: [],
          clockSkewSeconds: registry.current.clockSkewSeconds,
          maxAgeSeconds: registry.current.maxMessageAgeSeconds,
          now,
        });
        const jti = claims.jti as string; // a non-empty string: verifyJwt checks registered claim types
        if (gateway.isReplay(tenant, { protocol: 'gtr', issuer, messageId: jti })) return { error: 'credential already used' };
        return { registered, messageId: jti };
      } catch (error) {
        if (!(error instanceof JwtRejected)) throw error;
        return error.retryable ? { error: error.message, retryAfterSeconds: error.retryAfterSeconds } : { error: error.message };
      }
    }
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header)?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [clientId, secret] = colon < 0 ? [decoded, undefined] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
      for (const idp of registry.tenant(tenant)?.idps ?? []) {
        const match = idp.gtr?.clientCredentials?.find((c) => c.clientId === clientId && matchesSha256(secret, c.secretSha256));
        const registered = match ? registry.idp(tenant, idp.issuer) : undefined;
        if (registered) return { registered, messageId: `${request.id}` };
      }
    }
    return { error: 'authentication required' };
  }

  const unauthorized = (reply: FastifyReply, caller: { error: string; retryAfterSeconds?: number }) =>
    caller.retryAfterSeconds !== undefined
      ? oauthError(retryLater(reply, caller.retryAfterSeconds), 503, 'temporarily_unavailable', caller.error)
      : oauthError(reply.header('www-authenticate', 'Bearer'), 401, 'invalid_client', caller.error);

  app.post<{ Params: { tenant: string }; Body: string }>(
    URL,
    {
      schema: {
        summary: 'OAuth Global Token Revocation',
        description:
          'JSON `{"sub_id": <RFC 9493 subject>}` (legacy `subject` accepted). Caller: a `global-token-revocation+jwt` bearer or client credentials. 204 on success; 401 before anything else when the caller is not authenticated.',
        tags: ['idp'],
        params: tenantPath,
        consumes: ['application/json'],
      },
      config: { idpErrors: 'oauth', rawBody: true },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      // 1. Authenticate: nothing of the body is read for an unauthenticated caller.
      const caller = await authenticate(request);
      if ('error' in caller) return unauthorized(reply, caller);
      // 2. Parse.
      const parsed = parseJson(request.headers['content-type'], request.body);
      if (!parsed.ok) return oauthError(reply, 400, 'invalid_request', parsed.description);
      const body = parsed.value;
      const raw =
        body && typeof body === 'object' && !Array.isArray(body)
          ? ((body as Record<string, unknown>).sub_id ?? (body as Record<string, unknown>).subject)
          : undefined;
      let subjects: readonly SimpleSubject[];
      try {
        const subject = parseSubjectId(raw);
        if (subject.kind === 'complex') throw new SubjectIdError('a complex subject is not a user identifier');
        subjects = subject.kind === 'aliases' ? subject.subjects : [subject.subject];
      } catch (error) {
        if (!(error instanceof SubjectIdError)) throw error;
        return oauthError(reply, 400, 'invalid_request', error.message);
      }
      // 3. Resolve, in this tenant only.
      const { tenant } = request.params;
      const userId = gateway.resolveUser(tenant, subjects);
      if (!userId) return oauthError(reply, 404, 'not_found', 'no such user');
      // 4. Apply.
      const message = {
        protocol: 'gtr' as const,
        issuer: caller.registered.idp.issuer,
        messageId: caller.messageId,
        messageType: 'gtr.revoke',
        raw: JSON.stringify(body),
        idpEventTime: null,
        reason: 'global token revocation',
      };
      try {
        await gateway.apply(tenant, message, gateway.plan(tenant, 'gtr.revoke', userId, [{ type: 'USER', id: userId }]));
      } catch (error) {
        request.log.error({ err: { message: (error as Error).message } }, 'global token revocation failed');
        return oauthError(reply, 422, 'logout_failed', 'the user could not be logged out');
      }
      return reply.status(204).send();
    },
  );
  postOnly(app, URL, 'oauth');
}
