import type { DomainEvent, EventData } from '@killswitch/schemas';

/** Complete, valid event data with overridable members: tests state only what they care about. */
export const sessionStartedData = (o: Partial<EventData<'SessionStarted'>> = {}): EventData<'SessionStarted'> => ({
  sessionId: 's1',
  userId: 'alice',
  parentSessionId: null,
  deviceId: null,
  idpIssuer: null,
  idpSid: null,
  idpSubject: null,
  idpDeviceId: null,
  clientId: null,
  ip: null,
  userAgent: null,
  acr: null,
  amr: [],
  authTime: 0,
  startedAt: 0,
  expiresAt: null,
  ancestors: [],
  ...o,
});

export const tokenMintedData = (o: Partial<EventData<'TokenMinted'>> = {}): EventData<'TokenMinted'> => ({
  tokenId: 't1',
  userId: 'alice',
  kind: 'ACCESS',
  format: 'JWT',
  binding: 'BEARER',
  bindingThumbprint: null,
  sessionId: null,
  grantId: null,
  agentId: null,
  clientId: null,
  scope: null,
  issuedAt: 0,
  expiresAt: 3_600_000,
  lineage: { sessions: [], agents: [], grants: [], deviceId: null },
  ...o,
});

export const subjectRevokedData = (
  o: Partial<EventData<'SubjectRevoked'>> & Pick<EventData<'SubjectRevoked'>, 'subject'>,
): EventData<'SubjectRevoked'> => ({
  terminationId: 'T0',
  userId: 'alice',
  effect: 'REVOKED',
  notBefore: null,
  previousNotBefore: null,
  expiresAt: null,
  at: 0,
  ...o,
});

export const terminationRequestedData = (o: Partial<EventData<'TerminationRequested'>> = {}): EventData<'TerminationRequested'> => ({
  terminationId: 'T1',
  scope: 'SESSION_SCOPED_REVOCATION',
  target: { type: 'SESSION', id: 's1' },
  userId: null,
  reason: 'test',
  source: 'API',
  issuer: null,
  messageId: null,
  messageDigest: null,
  idpEventTime: null,
  ipsieLevel: 'SL2',
  revokeOnlineGrants: false,
  requestedAt: 0,
  ...o,
});

export const sessionStarted = (o: Partial<EventData<'SessionStarted'>> = {}): DomainEvent => ({
  type: 'SessionStarted',
  data: sessionStartedData(o),
});
export const tokenMinted = (o: Partial<EventData<'TokenMinted'>> = {}): DomainEvent => ({ type: 'TokenMinted', data: tokenMintedData(o) });
export const subjectRevoked = (o: Parameters<typeof subjectRevokedData>[0]): DomainEvent => ({
  type: 'SubjectRevoked',
  data: subjectRevokedData(o),
});

let position = 0;
/** Wraps an event as the store would deliver it, for feeding projections directly. */
export function recorded(event: DomainEvent, options: { tenant?: string; recordedAt?: number; position?: number } = {}) {
  position += 1;
  return {
    event,
    streamId: 'test',
    revision: 0,
    id: `e${position}`,
    position: options.position ?? position,
    recordedAt: options.recordedAt ?? 0,
    schemaFingerprint: '',
    metadata: {
      tenant: options.tenant ?? 'acme',
      correlationId: 'c',
      causationId: null,
      actor: 'test',
      source: 'test',
      idpEventTime: null,
    },
  };
}
