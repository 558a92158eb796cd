import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@killswitch/event-store';
import { accounts, MESSAGE_REPLAY_WINDOW_MS, messageKey } from './projection.ts';

const message = (position: number, recordedAt: number, messageId: string) =>
  ({
    position,
    recordedAt,
    metadata: { tenant: 'acme' },
    event: {
      type: 'IdpMessageReceived',
      data: { protocol: 'ssf', issuer: 'https://idp', messageId, outcome: 'applied', terminationIds: [], receivedAt: recordedAt },
    },
  }) as unknown as RecordedEvent;

describe('the replay memory in the hot state', () => {
  it('holds a processed message for the replay window, then lets it go (it is on disk)', () => {
    const t0 = Date.UTC(2026, 0, 1);
    let state = accounts.initialState();
    state = accounts.evolve(state, message(1, t0, 'a'));
    state = accounts.evolve(state, message(2, t0 + MESSAGE_REPLAY_WINDOW_MS - 60_000, 'b'));
    const held = () => [...(state.tenants.get('acme')?.messages.keys() ?? [])];
    expect(held()).toEqual([messageKey('ssf', 'https://idp', 'a'), messageKey('ssf', 'https://idp', 'b')]);
    state = accounts.evolve(state, message(3, t0 + MESSAGE_REPLAY_WINDOW_MS + 120_000, 'c'));
    expect(held()).toEqual([messageKey('ssf', 'https://idp', 'b'), messageKey('ssf', 'https://idp', 'c')]);
    expect(state.messageExpiries.size).toBe(2);
  });
});
