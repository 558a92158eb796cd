import type { DomainEvent } from '@killswitch/schemas';

/** Envelope every event carries (DESIGN.md §4). */
export interface EventMetadata {
  readonly tenant: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Who caused it: `api-key:<name>`, `idp:<issuer>`, `user:<id>`, `system`. Never a secret. */
  readonly actor: string;
  /** Inbound channel: `api`, `ssf`, `op-commands`, ... */
  readonly source: string;
  /** When the IdP says it happened (epoch ms), when that differs from when we recorded it. */
  readonly idpEventTime: number | null;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventToAppend {
  readonly event: DomainEvent;
  readonly metadata: EventMetadata;
  /** Defaults to a random UUID. */
  readonly id?: string;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event (0-based), -1 if the stream is still empty. */
  readonly nextExpectedRevision: number;
  /** Global position of the last event written; the current head when nothing was written. */
  readonly position: number;
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: number;
  /** Gap-free, 1-based, total order of all events. */
  readonly position: number;
  readonly id: string;
  readonly event: DomainEvent;
  readonly metadata: EventMetadata;
  readonly recordedAt: number;
  readonly schemaFingerprint: string;
}

export interface SubscriptionOptions {
  /** Deliver events after this position (0 = from the beginning). */
  readonly after: number;
  readonly batchSize?: number;
  readonly onEvents: (events: readonly RecordedEvent[]) => void | Promise<void>;
  /** Called once, when the subscription has read everything that existed and switched to live. */
  readonly onCaughtUp?: (position: number) => void;
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  readonly position: number;
  stop(): Promise<void>;
}

/** The event store port. Every engine passes the same contract suite (`contract.ts`). */
export interface EventStore {
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Appends several independent requests. Each succeeds or fails alone (a wrong expected
   * revision rejects only that request); engines may commit them together.
   */
  appendMany(requests: readonly AppendRequest[]): Promise<Array<AppendResult | WrongExpectedVersion>>;
  readStream(streamId: string, options?: { fromRevision?: number; maxCount?: number }): Promise<RecordedEvent[]>;
  readAll(options: { after: number; maxCount: number }): Promise<RecordedEvent[]>;
  headPosition(): Promise<number>;
  subscribeToAll(options: SubscriptionOptions): Subscription;
  close(): Promise<void>;
}

export class WrongExpectedVersion extends Error {
  readonly type = 'WrongExpectedVersion' as const;
  readonly retriable = false;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`wrong expected version for ${streamId}: expected ${String(expected)}, actual ${actual}`);
  }
}

export class EventStoreClosed extends Error {
  readonly type = 'EventStoreClosed' as const;
  readonly retriable = false;
  constructor() {
    super('event store is closed');
  }
}

export function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === -1;
  if (expected === 'stream_exists') return actual >= 0;
  return expected === actual;
}
