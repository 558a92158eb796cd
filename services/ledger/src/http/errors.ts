import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@killswitch/domain';
import { routeConfigOf } from './route-config.ts';

/** An error shown to the caller: a stable code, a status below 500, a message. */
export class HttpError extends Error {
  readonly type = 'HttpError' as const;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const errorBodySchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
} as const;

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_MALFORMED_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_MALFORMED_BODY',
};

/** Errors below 500 are shown to the caller; above, a generic message and the request id. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const style = routeConfigOf(request)?.idpErrors;
  const send = (given: number, code: string, message: string) => {
    // Protocol endpoints answer in their spec's error shape: the IdP parses those, not ours. Their
    // specs have no 415: a body they cannot read is an invalid request (400).
    const status = style && given === 415 ? 400 : given;
    if (style === 'ssf') return void reply.status(status).send({ err: 'invalid_request', description: message });
    if (style === 'oauth')
      return void reply
        .status(status)
        .header('cache-control', 'no-store')
        .send({ error: status === 401 ? 'invalid_client' : 'invalid_request', error_description: message });
    return void reply.status(status).send({ error: code, message, requestId: request.id });
  };
  if (error instanceof HttpError) {
    void reply.headers(error.headers);
    return send(error.status, error.code, error.message);
  }
  if (error instanceof DomainError) return send(error.status, error.code, error.message);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation)
    return send(
      400,
      'ERR_VALIDATION',
      `${fastifyError.validationContext ?? 'request'}${fastifyError.message.replace(/^(body|params|querystring|headers)/, '')}`,
    );
  if (error instanceof SyntaxError) return send(400, 'ERR_MALFORMED_BODY', 'body is not valid JSON');
  const status = fastifyError.statusCode ?? 500;
  if (status < 500) return send(status, FASTIFY_CODES[fastifyError.code] ?? 'ERR_BAD_REQUEST', fastifyError.message);
  request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
  return send(500, 'ERR_INTERNAL', 'internal error');
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({ error: 'ERR_NOT_FOUND', message: 'no such route', requestId: request.id });
}
