import type { DomainEvent, EventData } from '@killswitch/schemas';
import { DomainError } from './errors.ts';

/**
 * Grants, tokens and agents are written once: their stream holds one creation event.
 * Recording the same fact again changes nothing; a different fact under the same id is a conflict.
 */
export type IssuanceCommand =
  | { type: 'IssueGrant'; data: EventData<'GrantIssued'> }
  | { type: 'MintToken'; data: EventData<'TokenMinted'> }
  | { type: 'SpawnAgent'; data: EventData<'AgentSpawned'> };

export type IssuanceState = { exists: false } | { exists: true; userId: string };

export const initialIssuanceState = (): IssuanceState => ({ exists: false });

const EVENT_OF = { IssueGrant: 'GrantIssued', MintToken: 'TokenMinted', SpawnAgent: 'AgentSpawned' } as const;

export function decideIssuance(command: IssuanceCommand, state: IssuanceState): DomainEvent[] {
  if (state.exists) {
    if (state.userId !== command.data.userId) {
      throw new DomainError('ERR_ID_CONFLICT', `${EVENT_OF[command.type]} id already used for another user`, 409);
    }
    return [];
  }
  return [{ type: EVENT_OF[command.type], data: command.data } as DomainEvent];
}

export function evolveIssuance(state: IssuanceState, event: DomainEvent): IssuanceState {
  switch (event.type) {
    case 'GrantIssued':
    case 'TokenMinted':
    case 'AgentSpawned':
      return { exists: true, userId: event.data.userId };
    default:
      return state;
  }
}
