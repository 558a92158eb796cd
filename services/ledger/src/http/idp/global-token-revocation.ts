import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JwtRejected, parseSubjectId, SubjectIdError, unverifiedIssuer, verifyJwt, type SimpleSubject } from '@killswitch/protocols';
import type { RegisteredIdp } from '../../idp/registry.ts';
import { matchesSha256, tenantPath, type IdpRouteDeps } from './common.ts';

type Caller = { registered: RegisteredIdp; messageId: string } | { error: string };

/**
 * OAuth Global Token Revocation (draft -05, Okta/Auth0 profile): authenticate (401), parse
 * (400), resolve the user in this tenant (404), apply Global Revocation (204 / 422).
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
        const jti = String(claims.jti);
        if (gateway.isReplay(tenant, { protocol: 'gtr', issuer, messageId: jti })) return { error: 'credential already used' };
        return { registered, messageId: jti };
      } catch (error) {
        if (error instanceof JwtRejected) return { error: error.message };
        throw error;
      }
    }
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header)?.[1];
    if (basic) {
      const [clientId, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      for (const idp of registry.tenant(tenant)?.idps ?? []) {
        const match = idp.gtr?.clientCredentials?.find((c) => c.clientId === clientId && matchesSha256(secret, c.secretSha256));
        const registered = match ? registry.idp(tenant, idp.issuer) : undefined;
        if (registered) return { registered, messageId: `${request.id}` };
      }
    }
    return { error: 'authentication required' };
  }

  app.post<{ Params: { tenant: string }; Body: unknown }>(
    '/idp/:tenant/global-token-revocation',
    {
      schema: {
        summary: 'OAuth Global Token Revocation',
        description:
          'JSON `{"sub_id": <RFC 9493 subject>}` (legacy `subject` accepted). Caller: a `global-token-revocation+jwt` bearer or client credentials. 204 on success.',
        tags: ['idp'],
        params: tenantPath,
      },
      config: { idpErrors: 'oauth' },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const caller = await authenticate(request);
      if ('error' in caller)
        return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'invalid_client', error_description: caller.error });
      const body = request.body as Record<string, unknown> | null;
      const raw = body && typeof body === 'object' && !Array.isArray(body) ? (body.sub_id ?? body.subject) : undefined;
      let subjects: readonly SimpleSubject[];
      try {
        const subject = parseSubjectId(raw);
        if (subject.kind === 'complex') throw new SubjectIdError('a complex subject is not a user identifier');
        subjects = subject.kind === 'aliases' ? subject.subjects : [subject.subject];
      } catch (error) {
        if (!(error instanceof SubjectIdError)) throw error;
        return reply.status(400).send({ error: 'invalid_request', error_description: error.message });
      }
      const { tenant } = request.params;
      const userId = gateway.resolveUser(tenant, subjects);
      if (!userId) return reply.status(404).send({ error: 'not_found', error_description: 'no such user' });
      const issuer = caller.registered.idp.issuer;
      const message = {
        protocol: 'gtr' as const,
        issuer,
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
        return reply.status(422).send({ error: 'logout_failed', error_description: 'the user could not be logged out' });
      }
      return reply.status(204).send();
    },
  );
}
