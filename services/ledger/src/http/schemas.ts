import type { AsOf } from '@killswitch/projections';
import { HttpError } from './errors.ts';

/** JSON schemas shared by the routes. Ids are opaque strings with sane bounds. */
export const id = { type: 'string', minLength: 1, maxLength: 256 } as const;
export const shortText = { type: 'string', maxLength: 1024 } as const;
export const epochMs = { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 } as const;
export const numericDate = { type: 'number', minimum: 0, maximum: 8_640_000_000_000 } as const;

/** A non-negative integer in a query string (query values are strings; bodies are never coerced). */
export const digits = { type: 'string', pattern: '^[0-9]{1,15}$' } as const;

export const tenantParams = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } },
} as const;

export const SUBJECT_TYPES = ['user', 'session', 'device', 'agent', 'grant', 'token'] as const;
export const SCOPES = ['session_invalidation', 'session_scoped_revocation', 'global_revocation', 'token_revocation'] as const;

export const subjectRef = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'id'],
  properties: { type: { enum: [...SUBJECT_TYPES] }, id },
} as const;

const tokenClaims = {
  type: 'object',
  additionalProperties: true,
  properties: {
    jti: id,
    sub: id,
    sid: id,
    iat: numericDate,
    exp: numericDate,
    client_id: id,
    scope: shortText,
    agent_id: id,
    cnf: { type: 'object', properties: { jkt: id, 'x5t#S256': id } },
  },
} as const;

const fact = (type: string, required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: ['type', ...required],
  properties: { type: { const: type }, ...properties },
});

export const factSchemas = [
  fact('session.started', ['sessionId', 'userId'], {
    sessionId: id,
    userId: id,
    parentSessionId: id,
    deviceId: id,
    idpIssuer: shortText,
    idpSid: id,
    idpSubject: id,
    idpDeviceId: shortText,
    clientId: id,
    ip: { type: 'string', maxLength: 64 },
    userAgent: { type: 'string', maxLength: 512 },
    acr: id,
    amr: { type: 'array', maxItems: 16, items: id },
    authTime: epochMs,
    startedAt: epochMs,
    expiresAt: epochMs,
  }),
  fact('session.activity', ['sessionId'], {
    sessionId: id,
    at: epochMs,
    ip: { type: 'string', maxLength: 64 },
    userAgent: { type: 'string', maxLength: 512 },
  }),
  fact('session.ended', ['sessionId'], { sessionId: id, endedAt: epochMs, reason: { type: 'string', maxLength: 128 } }),
  fact('grant.issued', ['grantId', 'clientId'], {
    grantId: id,
    userId: id,
    sessionId: id,
    agentId: id,
    clientId: id,
    offlineAccess: { type: 'boolean' },
    scope: shortText,
    issuedAt: epochMs,
    expiresAt: epochMs,
  }),
  fact('token.minted', ['kind', 'format'], {
    kind: { enum: ['access', 'refresh', 'agent', 'id'] },
    format: { enum: ['jwt', 'reference'] },
    tokenId: id,
    claims: tokenClaims,
    userId: id,
    sessionId: id,
    grantId: id,
    agentId: id,
    clientId: id,
    scope: shortText,
    binding: { enum: ['bearer', 'dpop', 'mtls'] },
    bindingThumbprint: id,
    issuedAt: epochMs,
    expiresAt: epochMs,
  }),
  fact('user.linked', ['userId', 'identifiers'], {
    userId: id,
    identifiers: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'object', required: ['format'], properties: { format: id } } },
  }),
  fact('device.linked', ['deviceId', 'identifiers'], {
    deviceId: id,
    userId: id,
    identifiers: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'object', required: ['format'], properties: { format: id } } },
  }),
  fact('token.rotated', ['tokenId'], { tokenId: id, replacedBy: id, rotatedAt: epochMs }),
  fact('agent.spawned', ['agentId'], {
    agentId: id,
    userId: id,
    sessionId: id,
    parentAgentId: id,
    grantId: id,
    runtimeUrl: { type: 'string', format: 'uri', maxLength: 2048 },
    taskId: id,
    spawnedAt: epochMs,
  }),
  fact('agent.task_ended', ['agentId', 'state'], {
    agentId: id,
    taskId: id,
    state: { enum: ['completed', 'failed', 'canceled', 'rejected'] },
    endedAt: epochMs,
  }),
  fact('agent.ended', ['agentId'], { agentId: id, reason: { type: 'string', maxLength: 256 }, endedAt: epochMs }),
];

export const checkClaimsSchema = {
  type: 'object',
  additionalProperties: true,
  minProperties: 1,
  properties: { sub: id, sid: id, jti: id, iat: numericDate, exp: numericDate, agent_id: id },
  anyOf: [{ required: ['sub'] }, { required: ['sid'] }, { required: ['jti'] }, { required: ['agent_id'] }],
} as const;

export const checkResultSchema = {
  type: 'object',
  required: ['active'],
  properties: {
    active: { type: 'boolean' },
    reason: { type: 'string' },
    cause: { type: 'string' },
    terminationId: { type: 'string' },
    revokedAt: { type: 'integer' },
    by: { type: 'string' },
  },
} as const;

const exposureClass = { type: 'object', properties: { count: { type: 'integer' }, latestExpiry: { type: ['integer', 'null'] } } } as const;

export const terminationSchema = {
  type: 'object',
  properties: {
    terminationId: { type: 'string' },
    replayed: { type: 'boolean' },
    status: { enum: ['applied', 'requested'] },
    scope: { type: 'string' },
    target: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' } } },
    userId: { type: ['string', 'null'] },
    reason: { type: 'string' },
    source: { type: 'string' },
    requestedAt: { type: 'integer' },
    position: { type: 'integer' },
    noChange: { type: 'boolean' },
    ended: {
      type: 'object',
      properties: {
        sessionsRevoked: { type: 'array', items: { type: 'string' } },
        sessionsInvalidated: { type: 'array', items: { type: 'string' } },
        grants: { type: 'array', items: { type: 'string' } },
        agents: { type: 'array', items: { type: 'string' } },
        devices: { type: 'array', items: { type: 'string' } },
        tokens: { type: 'integer', description: 'Live tokens ended: refreshTokens + referenceTokens + statelessTokens' },
        refreshTokens: { type: 'integer' },
        referenceTokens: { type: 'integer', description: 'Opaque access and agent tokens: stopped now' },
        statelessTokens: { type: 'integer', description: 'JWTs refused at online checks, valid offline until exp (see residual)' },
        agentTasksCancelled: {
          type: 'array',
          items: { type: 'string' },
          description: 'Agents whose live task the ledger cancels (A2A CancelTask)',
        },
        agentTasksTerminal: {
          type: 'array',
          items: { type: 'string' },
          description: 'Agents among `agents` whose task had already ended (or that had stopped): no CancelTask is sent for them',
        },
      },
    },
    residual: { type: 'object', properties: { bearer: exposureClass, deviceBound: exposureClass } },
    verdict: {
      type: 'object',
      properties: {
        level: { type: 'string' },
        bearerDeadline: { type: 'integer' },
        deviceBoundDeadline: { type: 'integer' },
        meets: { type: 'boolean' },
      },
    },
    propagation: {
      type: 'object',
      properties: {
        enforcers: {
          type: 'array',
          items: { type: 'object', properties: { enforcerId: { type: 'string' }, appliedAt: { type: 'integer' } } },
        },
        completedAt: { type: ['integer', 'null'] },
        propagationMs: { type: ['integer', 'null'] },
      },
    },
    receipt: { type: 'object', additionalProperties: true },
    agentCancellations: { type: 'array', items: { type: 'object', additionalProperties: true } },
    attemptsAfterRevocation: {
      type: 'object',
      description: 'Credentials this termination ended that were presented again and refused (by the ledger or an enforcer)',
      properties: {
        count: { type: 'integer' },
        firstAt: { type: ['integer', 'null'] },
        lastAt: { type: ['integer', 'null'] },
        lastIp: { type: ['string', 'null'] },
        lastUserAgent: { type: ['string', 'null'] },
        sources: { type: 'array', items: { type: 'object', properties: { source: { type: 'string' }, count: { type: 'integer' } } } },
        credentials: { type: 'integer', description: 'How many distinct credentials' },
      },
    },
  },
} as const;

/**
 * As-of parameters of the history queries: `asOf` (epoch ms) in the chosen `clock` (`recorded`:
 * when the ledger recorded it, the default; `event`: the source's own time), or a store `position`.
 */
export const asOfQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    asOf: { type: 'string', pattern: '^[0-9]{1,15}$', description: 'Epoch milliseconds' },
    clock: { enum: ['recorded', 'event'], description: 'Which clock `asOf` is read in (default `recorded`)' },
    position: { type: 'string', pattern: '^[0-9]{1,15}$', description: 'A store position, instead of an instant' },
  },
} as const;

export interface AsOfParams {
  asOf?: string;
  clock?: 'recorded' | 'event';
  position?: string;
}

/** The as-of instant a query names, if any; a contradictory combination is a 400 with a stable code. */
export function parseAsOf(query: AsOfParams): AsOf | undefined {
  if (query.asOf !== undefined && query.position !== undefined)
    throw new HttpError(400, 'ERR_AS_OF', 'give either asOf (with clock) or position, not both');
  if (query.clock !== undefined && query.asOf === undefined) throw new HttpError(400, 'ERR_AS_OF', 'clock goes with asOf');
  if (query.position !== undefined) return { clock: 'position', at: Number(query.position) };
  if (query.asOf !== undefined) return { clock: query.clock ?? 'recorded', at: Number(query.asOf) };
  return undefined;
}
