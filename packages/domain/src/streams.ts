import { createHash } from 'node:crypto';

/** Stream ids: small consistency boundaries, always qualified by tenant. */
export const streamId = {
  session: (tenant: string, id: string) => `session-${tenant}:${id}`,
  grant: (tenant: string, id: string) => `grant-${tenant}:${id}`,
  token: (tenant: string, id: string) => `token-${tenant}:${id}`,
  agent: (tenant: string, id: string) => `agent-${tenant}:${id}`,
  termination: (tenant: string, id: string) => `termination-${tenant}:${id}`,
  /** One IdP message, by (protocol, issuer, message id): a second append of the same message is refused. */
  idpMessage: (tenant: string, protocol: string, issuer: string, messageId: string) =>
    `message-${tenant}:${createHash('sha256').update(`${protocol} ${issuer} ${messageId}`).digest('base64url')}`,
} as const;
