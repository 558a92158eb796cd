import type { DomainEvent, EventData } from '@killswitch/schemas';
import { DomainError } from './errors.ts';

export type SessionStartedData = EventData<'SessionStarted'>;

export type SessionCommand =
  | { type: 'StartSession'; data: SessionStartedData }
  | { type: 'RecordActivity'; data: EventData<'SessionActivityRecorded'>; coalesceMs: number }
  | { type: 'EndSession'; data: EventData<'SessionEnded'> };

export type SessionState = { status: 'none' } | { status: 'active' | 'ended'; started: SessionStartedData; lastActivityAt: number };

export const initialSessionState = (): SessionState => ({ status: 'none' });

export function decideSession(command: SessionCommand, state: SessionState): DomainEvent[] {
  switch (command.type) {
    case 'StartSession':
      return startSession(command.data, state);
    case 'RecordActivity':
      return recordActivity(command, state);
    case 'EndSession':
      return state.status === 'active' ? [{ type: 'SessionEnded', data: command.data }] : [];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function startSession(data: SessionStartedData, state: SessionState): DomainEvent[] {
  if (state.status === 'none') return [{ type: 'SessionStarted', data }];
  if (state.started.userId !== data.userId) {
    throw new DomainError('ERR_SESSION_CONFLICT', `session ${data.sessionId} already exists for another user`, 409);
  }
  return []; // the same fact recorded twice
}

function recordActivity(command: Extract<SessionCommand, { type: 'RecordActivity' }>, state: SessionState): DomainEvent[] {
  if (state.status === 'none') throw new DomainError('ERR_UNKNOWN_SESSION', `unknown session ${command.data.sessionId}`, 404);
  if (state.status === 'ended') return [];
  // Activity is coalesced: one event per session per window, never one per request.
  if (command.data.at - state.lastActivityAt < command.coalesceMs) return [];
  return [{ type: 'SessionActivityRecorded', data: { ...command.data, userId: state.started.userId } }];
}

export function evolveSession(state: SessionState, event: DomainEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted':
      return { status: 'active', started: event.data, lastActivityAt: event.data.startedAt };
    case 'SessionActivityRecorded':
      return state.status === 'none' ? state : { ...state, lastActivityAt: Math.max(state.lastActivityAt, event.data.at) };
    case 'SessionEnded':
      return state.status === 'none' ? state : { ...state, status: 'ended' };
    default:
      return state;
  }
}
