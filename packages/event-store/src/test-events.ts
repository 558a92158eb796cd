import type { DomainEvent } from '@killswitch/schemas';
import type { EventMetadata, EventToAppend } from './types.ts';

/** Small valid events for store tests (no vitest import: child processes use it too). */
const metadata: EventMetadata = {
  tenant: 'acme',
  correlationId: 'c-1',
  causationId: null,
  actor: 'system',
  source: 'test',
  idpEventTime: null,
};

export function activity(sessionId: string, at: number): EventToAppend {
  const event: DomainEvent = { type: 'SessionActivityRecorded', data: { sessionId, userId: 'u1', at, ip: null, userAgent: null } };
  return { event, metadata };
}
