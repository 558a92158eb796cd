import type * as E from './generated/events.ts';

/** Every event type the ledger writes. Past tense: facts, never commands. */
export const EVENT_TYPES = [
  'SessionStarted',
  'SessionActivityRecorded',
  'SessionEnded',
  'GrantIssued',
  'TokenMinted',
  'AgentSpawned',
  'TerminationRequested',
  'SubjectRevoked',
  'TerminationApplied',
  'UserIdentityLinked',
  'DeviceIdentityLinked',
  'AccountStateChanged',
  'IdpMessageReceived',
  'RefreshTokenRotated',
  'TerminationPropagated',
  'TerminationPropagationCompleted',
  'ReceiptDelivered',
  'ReceiptDeliveryFailed',
  'AgentTaskCancelled',
  'AgentTaskCancellationFailed',
  'AgentTaskEnded',
  'AgentEnded',
  'RevokedCredentialPresented',
  'WebhookAttempted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

interface EventDataMap {
  SessionStarted: E.SessionStarted;
  SessionActivityRecorded: E.SessionActivityRecorded;
  SessionEnded: E.SessionEnded;
  GrantIssued: E.GrantIssued;
  TokenMinted: E.TokenMinted;
  AgentSpawned: E.AgentSpawned;
  TerminationRequested: E.TerminationRequested;
  SubjectRevoked: E.SubjectRevoked;
  TerminationApplied: E.TerminationApplied;
  UserIdentityLinked: E.UserIdentityLinked;
  DeviceIdentityLinked: E.DeviceIdentityLinked;
  AccountStateChanged: E.AccountStateChanged;
  IdpMessageReceived: E.IdpMessageReceived;
  RefreshTokenRotated: E.RefreshTokenRotated;
  TerminationPropagated: E.TerminationPropagated;
  TerminationPropagationCompleted: E.TerminationPropagationCompleted;
  ReceiptDelivered: E.ReceiptDelivered;
  ReceiptDeliveryFailed: E.ReceiptDeliveryFailed;
  AgentTaskCancelled: E.AgentTaskCancelled;
  AgentTaskCancellationFailed: E.AgentTaskCancellationFailed;
  AgentTaskEnded: E.AgentTaskEnded;
  AgentEnded: E.AgentEnded;
  RevokedCredentialPresented: E.RevokedCredentialPresented;
  WebhookAttempted: E.WebhookAttempted;
}

export type EventData<T extends EventType> = EventDataMap[T];

/** A domain event as deciders produce and projections consume it. */
export type DomainEvent = { [K in EventType]: { type: K; data: EventDataMap[K] } }[EventType];
