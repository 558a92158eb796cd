import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazyValidators } from './lazy-validators.ts';

describe('lazy request validators', () => {
  it('validate and report errors as fastify’s own do, before and after the background compilation', async () => {
    const validators = lazyValidators();
    // The ledger's Ajv options reach the compiler: no coercion, nothing removed.
    const app = Fastify({
      schemaController: { compilersFactory: { buildValidator: validators.buildValidator } },
      ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    });
    const body = {
      type: 'object',
      required: ['tokenId'],
      properties: { tokenId: { type: 'string', minLength: 1 } },
      additionalProperties: false,
    };
    app.post('/a', { schema: { body } }, async (request) => request.body);
    app.post('/b', { schema: { body } }, async (request) => request.body);
    await app.ready();
    const post = async (url: string, payload: Record<string, unknown>) => {
      const response = await app.inject({ method: 'POST', url, payload });
      return { status: response.statusCode, body: response.json() as Record<string, unknown> };
    };
    // Compiled on first use.
    expect(await post('/a', { tokenId: 't' })).toEqual({ status: 200, body: { tokenId: 't' } });
    const refused = await post('/a', { tokenId: '' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('body/tokenId must NOT have fewer than 1 characters');
    // The rest in the background; the answers do not change.
    await validators.compileAll();
    expect((await post('/b', { tokenId: 7, extra: 1 })).status).toBe(400);
    expect(await post('/b', { tokenId: 'u' })).toEqual({ status: 200, body: { tokenId: 'u' } });
    await app.close();
  });
});
