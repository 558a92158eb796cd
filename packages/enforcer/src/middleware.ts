import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import type { CheckClaims } from '@killswitch/projections';
import type { RevocationReplica } from './replica.ts';

/**
 * Claims of the bearer token of a request. The token's signature must already have been verified
 * by the resource server; this layer adds revocation.
 */
function claimsOf(authorization: string | undefined): CheckClaims | null {
  const token = /^(?:Bearer|DPoP) (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) return null;
  try {
    const claims = decodeJwt(token);
    return {
      sub: claims.sub,
      sid: claims.sid as string | undefined,
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
      agent_id: claims.agent_id as string | undefined,
    };
  } catch {
    return null;
  }
}

const reject = (res: ServerResponse, reason: string) => {
  res.writeHead(401, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"`,
    'content-type': 'application/json',
  });
  res.end(JSON.stringify({ error: 'invalid_token', error_description: reason }));
};

/** Plain Node middleware (`(req, res, next)`): rejects requests whose token is revoked. */
export function enforcerMiddleware(replica: RevocationReplica) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const claims = claimsOf(req.headers.authorization);
    if (!claims) return reject(res, 'missing bearer token');
    const result = replica.check(claims, { ip: req.socket.remoteAddress ?? null, userAgent: req.headers['user-agent'] ?? null });
    if (!result.active) return reject(res, `token ${result.reason}`);
    next();
  };
}

/** A fastify plugin: an onRequest hook that rejects revoked tokens, on every route of the app. */
export function enforcerPlugin(replica: RevocationReplica) {
  const plugin = async (app: {
    addHook: (
      name: 'onRequest',
      hook: (
        request: { headers: IncomingMessage['headers']; ip?: string },
        reply: { code: (n: number) => { header: (k: string, v: string) => { send: (b: unknown) => unknown } } },
      ) => Promise<unknown>,
    ) => void;
  }) => {
    app.addHook('onRequest', async (request, reply) => {
      const claims = claimsOf(request.headers.authorization);
      const result = claims ? replica.check(claims, { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null }) : null;
      if (!result || !result.active) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer error="invalid_token"')
          .send({ error: 'invalid_token', error_description: result ? `token ${result.reason}` : 'missing bearer token' });
      }
      return undefined;
    });
  };
  // Not encapsulated (what fastify-plugin does): the hook guards the routes of the app registering it.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'killswitch-enforcer' });
  return plugin;
}
