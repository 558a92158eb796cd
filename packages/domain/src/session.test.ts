import { describe, it } from 'vitest';
import type { DomainEvent } from '@killswitch/schemas';
import { sessionStartedData } from '@killswitch/testing';
import { specFor } from '@killswitch/testing/vitest';
import { decideSession, evolveSession, initialSessionState, type SessionCommand, type SessionStartedData } from './session.ts';

const spec = specFor<SessionCommand, ReturnType<typeof initialSessionState>>({
  decide: decideSession,
  evolve: evolveSession,
  initialState: initialSessionState,
});

const started = (id: string, userId = 'alice'): SessionStartedData =>
  sessionStartedData({ sessionId: id, userId, authTime: 1000, startedAt: 1000 });
const sessionStarted = (id: string, userId?: string): DomainEvent => ({ type: 'SessionStarted', data: started(id, userId) });
const activity = (at: number) => ({
  type: 'RecordActivity' as const,
  data: { sessionId: 's1', userId: '', at, ip: null, userAgent: null },
  coalesceMs: 60_000,
});

describe('session decider', () => {
  it('starts a session once; the same fact again changes nothing', () => {
    spec([])
      .when({ type: 'StartSession', data: started('s1') })
      .then([sessionStarted('s1')]);
    spec([sessionStarted('s1')])
      .when({ type: 'StartSession', data: started('s1') })
      .then([]);
  });

  it('refuses a session id reused for another user', () => {
    spec([sessionStarted('s1', 'alice')])
      .when({ type: 'StartSession', data: started('s1', 'mallory') })
      .thenThrows('ERR_SESSION_CONFLICT');
  });

  it('coalesces activity: at most one event per window', () => {
    spec([sessionStarted('s1')])
      .when(activity(30_000))
      .then([]);
    spec([sessionStarted('s1')])
      .when(activity(61_000))
      .then([{ type: 'SessionActivityRecorded', data: { sessionId: 's1', userId: 'alice', at: 61_000, ip: null, userAgent: null } }]);
  });

  it('ending an ended session returns no events', () => {
    const ended: DomainEvent = { type: 'SessionEnded', data: { sessionId: 's1', userId: 'alice', endedAt: 2000, reason: 'logout' } };
    spec([sessionStarted('s1')])
      .when({ type: 'EndSession', data: ended.data as never })
      .then([ended]);
    spec([sessionStarted('s1'), ended])
      .when({ type: 'EndSession', data: ended.data as never })
      .then([]);
  });

  it('activity on an unknown session is refused', () => {
    spec([]).when(activity(1)).thenThrows('ERR_UNKNOWN_SESSION');
  });
});
