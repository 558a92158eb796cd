import type { FastifyInstance } from 'fastify';
import { JwtRejected, numericDateMs, unverifiedIssuer, verifyJwt } from '@killswitch/protocols';
import type { SubjectRef } from '@killswitch/domain';
import { oauthError, parseForm, postOnly, retryLater, tenantPath, type IdpRouteDeps } from './common.ts';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const URL = '/idp/:tenant/backchannel-logout';

/**
 * OIDC Back-Channel Logout 1.0 (errata set 1): Session Invalidation of the RP sessions linked to
 * `sid` (or all of the user's with `sub` only), plus their refresh tokens issued without
 * `offline_access`. Access tokens survive, as Session Invalidation says.
 */
export function backchannelLogoutRoute(app: FastifyInstance, { registry, gateway, now }: IdpRouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: string }>(
    URL,
    {
      schema: {
        summary: 'OIDC Back-Channel Logout',
        description:
          'Form-encoded `logout_token`. 200 on success (also when nothing was logged in), 400 `{"error":"invalid_request"}` otherwise; 503 with `Retry-After` when the IdP’s keys cannot be fetched.',
        tags: ['idp'],
        params: tenantPath,
        consumes: ['application/x-www-form-urlencoded'],
      },
      config: { idpErrors: 'oauth', rawBody: true },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const bad = (description: string) => oauthError(reply, 400, 'invalid_request', description);
      const { tenant } = request.params;
      const form = parseForm(request.headers['content-type'], request.body, ['logout_token']);
      if (!form.ok) return bad(form.description);
      const token = form.fields.logout_token;
      if (!token) return bad('logout_token is required');
      const issuer = unverifiedIssuer(token);
      const registered = issuer ? registry.idp(tenant, issuer) : undefined;
      if (!issuer || !registered) return bad('unknown issuer');
      let claims: Record<string, unknown>;
      try {
        claims = await verifyJwt(token, registered.trusted, {
          typ: ['logout+jwt'],
          typOptional: true, // explicit typing is only RECOMMENDED; other explicit types are refused
          audience: registered.idp.clientId,
          required: ['iss', 'aud', 'iat', 'exp', 'jti', 'events'],
          forbidden: ['nonce'],
          clockSkewSeconds: registry.current.clockSkewSeconds,
          maxAgeSeconds: registry.current.maxMessageAgeSeconds,
          now,
        });
      } catch (error) {
        if (!(error instanceof JwtRejected)) throw error;
        if (error.retryable)
          return oauthError(retryLater(reply, error.retryAfterSeconds as number), 503, 'temporarily_unavailable', error.message);
        return bad(error.message);
      }
      const events = claims.events;
      const logout =
        events && typeof events === 'object' && !Array.isArray(events) ? (events as Record<string, unknown>)[LOGOUT_EVENT] : undefined;
      if (!logout || typeof logout !== 'object' || Array.isArray(logout)) return bad(`events must contain ${LOGOUT_EVENT} as an object`);
      const sid = typeof claims.sid === 'string' ? claims.sid : null;
      const sub = typeof claims.sub === 'string' ? claims.sub : null;
      if (!sid && !sub) return bad('sub or sid is required');
      const jti = claims.jti as string;
      if (gateway.isReplay(tenant, { protocol: 'bcl', issuer, messageId: jti })) return bad('logout token already used');
      const userId = sub ? gateway.resolveUser(tenant, [{ format: 'iss_sub', key: `iss_sub:${issuer} ${sub}`, members: {} }]) : null;
      let targets: SubjectRef[] = [];
      if (sid) targets = gateway.sessionsOfIdpSession(tenant, issuer, sid, userId).map((id) => ({ type: 'SESSION', id }));
      else if (userId) targets = [{ type: 'USER', id: userId }];
      const owner = userId ?? (targets[0] ? gateway.sessionOwner(tenant, targets[0].id) : null);
      const plans = owner
        ? gateway.plan(tenant, 'bcl.logout', owner, targets).map((p) => ({ ...p, revokeSessionRefreshTokens: true }))
        : [];
      const message = {
        protocol: 'bcl' as const,
        issuer,
        messageId: jti,
        messageType: 'bcl.logout',
        raw: token,
        idpEventTime: numericDateMs(claims.iat) ?? null,
        reason: 'back-channel logout',
      };
      // Unknown or already-ended sessions: the logout is considered successful (spec §6).
      await gateway.apply(tenant, message, plans, plans.length > 0 ? undefined : 'no-subject');
      return reply.status(200).send();
    },
  );
  postOnly(app, URL, 'oauth');
}
