import {
  ANY,
  binaryEvent,
  EventStoreDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  BACKWARDS,
  END,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { SchemaRegistry, type DomainEvent } from '@killswitch/schemas';
import { catchUpSubscription } from '../catch-up.ts';
import {
  EventStoreClosed,
  WrongExpectedVersion,
  type AppendRequest,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  type Subscription,
  type SubscriptionOptions,
} from '../types.ts';

interface StoredMetadata extends EventMetadata {
  schemaFingerprint: string;
  recordedAt: number;
}

export interface EventStoreDbOptions {
  /** `esdb://host:2113?tls=false` or a cluster connection string (`esdb+discover://…`). */
  readonly connectionString: string;
  readonly registry?: SchemaRegistry;
  readonly now?: () => number;
  readonly pollMs?: number;
}

const toExpected = (expected: ExpectedRevision): AppendExpectedRevision =>
  expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : expected === 'stream_exists' ? STREAM_EXISTS : BigInt(expected);

/**
 * The EventStoreDB / KurrentDB engine, for deployments that outgrow one machine. Positions are
 * $all commit positions: strictly increasing, not gap-free. Bodies are Avro (binary events) with
 * the writer fingerprint in the metadata, exactly as the embedded engine stores them.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly registry: SchemaRegistry;
  private closed = false;

  constructor(private readonly options: EventStoreDbOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.registry = options.registry ?? SchemaRegistry.load('events');
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    this.assertOpen();
    const recordedAt = (this.options.now ?? Date.now)();
    const events = request.events.map(({ event, metadata, id }) => {
      const { fingerprint, body } = this.registry.encode(event.type, event.data);
      const stored: StoredMetadata = { ...metadata, schemaFingerprint: fingerprint, recordedAt };
      return binaryEvent({ type: event.type, data: body, metadata: Buffer.from(JSON.stringify(stored)), ...(id ? { id } : {}) });
    });
    try {
      const result = await this.client.appendToStream(request.streamId, events, { expectedRevision: toExpected(request.expected) });
      return { nextExpectedRevision: Number(result.nextExpectedRevision), position: Number(result.position?.commit ?? 0n) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : -1;
        throw new WrongExpectedVersion(request.streamId, request.expected, actual);
      }
      throw error;
    }
  }

  /** Requests are appended one by one: EventStoreDB has no cross-stream atomic append here. */
  async appendMany(requests: readonly AppendRequest[]): Promise<Array<AppendResult | WrongExpectedVersion>> {
    const outcomes: Array<AppendResult | WrongExpectedVersion> = [];
    for (const request of requests) {
      try {
        outcomes.push(await this.append(request));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        outcomes.push(error);
      }
    }
    return outcomes;
  }

  async readStream(streamId: string, options: { fromRevision?: number; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        fromRevision: options.fromRevision ? BigInt(options.fromRevision) : START,
        ...(options.maxCount ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of read) {
        const event = this.toRecorded(resolved as AllStreamResolvedEvent);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: { after: number; maxCount: number }): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = options.after === 0 ? START : { commit: BigInt(options.after), prepare: BigInt(options.after) };
    const events: RecordedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: options.maxCount + 1 })) {
      const event = this.toRecorded(resolved);
      // fromPosition is inclusive; system streams ($…) are not the ledger's.
      if (!event || event.position <= options.after) continue;
      events.push(event);
      if (events.length === options.maxCount) break;
    }
    return events;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 100 })) {
      const event = this.toRecorded(resolved);
      if (event) return event.position;
    }
    return 0;
  }

  subscribeToAll(options: SubscriptionOptions): Subscription {
    // A polling catch-up over readAll keeps one delivery path (and the same positions) for every engine.
    return catchUpSubscription(
      { readAll: (o) => this.readAll(o), waitForAppend: (_after, pollMs) => new Promise((resolve) => setTimeout(resolve, pollMs)) },
      options,
      this.options.pollMs ?? 50,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.dispose();
  }

  private toRecorded(resolved: AllStreamResolvedEvent | ResolvedEvent): RecordedEvent | null {
    const recorded = resolved.event;
    if (!recorded || recorded.streamId.startsWith('$') || recorded.type.startsWith('$')) return null;
    const metadata = JSON.parse(Buffer.from(recorded.metadata as Uint8Array).toString('utf8')) as StoredMetadata;
    const { name, value } = this.registry.decode(metadata.schemaFingerprint, Buffer.from(recorded.data as Uint8Array));
    const { schemaFingerprint, recordedAt, ...envelope } = metadata;
    return {
      streamId: recorded.streamId,
      revision: Number(recorded.revision),
      position: Number(recorded.position?.commit ?? resolved.commitPosition ?? 0n),
      id: recorded.id,
      event: { type: name, data: value } as DomainEvent,
      metadata: envelope,
      recordedAt: recordedAt ?? recorded.created.getTime(),
      schemaFingerprint,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosed();
  }
}
