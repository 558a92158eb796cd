import type { EventData } from '@killswitch/schemas';

export type Scope = EventData<'TerminationRequested'>['scope'];
/** A message type's scope, or `none` for a signal that ends nothing by default. */
export type ScopeChoice = Scope | 'NONE';

/** Default scope per incoming message type (`specs/README.md`); a tenant's policy may override any. */
export const DEFAULT_SCOPES = {
  'caep.session-revoked': 'SESSION_SCOPED_REVOCATION',
  'risc.sessions-revoked': 'SESSION_SCOPED_REVOCATION',
  'risc.account-disabled': 'GLOBAL_REVOCATION',
  'risc.account-purged': 'GLOBAL_REVOCATION',
  'risc.credential-compromise': 'GLOBAL_REVOCATION',
  'caep.credential-change': 'SESSION_INVALIDATION',
  'caep.assurance-level-change': 'SESSION_INVALIDATION',
  'caep.device-compliance-change': 'SESSION_SCOPED_REVOCATION',
  'caep.token-claims-change': 'NONE',
  'caep.risk-level-change': 'NONE',
  'caep.session-established': 'NONE',
  'caep.session-presented': 'NONE',
  'op.invalidate': 'GLOBAL_REVOCATION',
  'op.suspend': 'GLOBAL_REVOCATION',
  'op.archive': 'GLOBAL_REVOCATION',
  'op.delete': 'GLOBAL_REVOCATION',
  'gtr.revoke': 'GLOBAL_REVOCATION',
  'bcl.logout': 'SESSION_INVALIDATION',
  'rfc9700.refresh-reuse': 'SESSION_SCOPED_REVOCATION',
} as const satisfies Record<string, ScopeChoice>;

export type MessageType = keyof typeof DEFAULT_SCOPES;
export const MESSAGE_TYPES = Object.keys(DEFAULT_SCOPES) as MessageType[];

export function scopeFor(messageType: MessageType, overrides: Readonly<Partial<Record<string, ScopeChoice>>> = {}): ScopeChoice {
  return overrides[messageType] ?? DEFAULT_SCOPES[messageType];
}
