import { expect } from 'vitest';
import type { DomainEvent } from '@killswitch/schemas';

/** Decider specifications that read as given / when / then. */
export interface DeciderSpec<C, S> {
  decide(command: C, state: S): DomainEvent[];
  evolve(state: S, event: DomainEvent): S;
  initialState(): S;
}

export function specFor<C, S>(decider: DeciderSpec<C, S>) {
  return (given: DomainEvent[]) => ({
    when: (command: C) => {
      const state = given.reduce(decider.evolve, decider.initialState());
      const run = () => decider.decide(command, state);
      return {
        then: (expected: DomainEvent[]) => expect(run()).toEqual(expected),
        thenThrows: (code: string) => expect(run).toThrow(expect.objectContaining({ code }) as unknown as Error),
      };
    },
  });
}
