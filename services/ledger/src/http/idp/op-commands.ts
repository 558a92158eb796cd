import type { FastifyInstance } from 'fastify';
import { OpCommands } from '../../idp/op-commands.ts';
import { oauthError, parseForm, postOnly, retryLater, tenantPath, type IdpRouteDeps } from './common.ts';

const URL = '/idp/:tenant/op/commands';

/** OpenID Provider Commands endpoint: form-encoded `command_token`; tenant commands stream as SSE. */
export function opCommandsRoute(app: FastifyInstance, deps: IdpRouteDeps): void {
  const commands = new OpCommands(deps.registry, deps.gateway, deps.ledger, deps.now);
  app.post<{ Params: { tenant: string }; Body: string }>(
    URL,
    {
      schema: {
        summary: 'OpenID Provider Commands (draft 02): account and tenant commands',
        description: `200 {"sub","account_state"} plus the extension member "urn:killswitch:termination" (what was ended, residual exposure); tenant commands answer text/event-stream.`,
        tags: ['idp'],
        params: tenantPath,
        consumes: ['application/x-www-form-urlencoded'],
      },
      config: { idpErrors: 'oauth', rawBody: true },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const form = parseForm(request.headers['content-type'], request.body, ['command_token']);
      if (!form.ok) return oauthError(reply, 400, 'invalid_request', form.description);
      const token = form.fields.command_token;
      const result = await commands.handle(tenant, token);
      if (result.kind === 'json') {
        if (result.retryAfterSeconds !== undefined) retryLater(reply, result.retryAfterSeconds);
        return reply.status(result.status).header('cache-control', 'no-store').send(result.body);
      }
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      let id = 0;
      try {
        for await (const event of commands.tenantCommand(
          tenant,
          token as string,
          result.command,
          result.claims,
          result.registered.idp.issuer,
        )) {
          id += 1;
          raw.write(`id: ${id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
        }
      } catch (error) {
        request.log.error({ err: { message: (error as Error).message } }, 'tenant command failed');
        raw.write(`id: ${id + 1}\nevent: error\ndata: ${JSON.stringify({ error_description: 'the command could not be completed' })}\n\n`);
      }
      raw.end();
    },
  );
  postOnly(app, URL, 'oauth');
}
