import type { RecordedEvent } from '@killswitch/event-store';
import { REVOCATION_FEED_TYPES } from '@killswitch/projections';
import { decodeSingleObject, encodeSingleObject, type DomainEvent, type EventType, type SchemaRegistry } from '@killswitch/schemas';

/** The revocation feed topic: everything an enforcer's replica of the revocation index needs. */
export const FEED_TOPIC = 'killswitch.revocation-feed';
export const STATUS_TOPIC = 'killswitch.enforcer-status';
/** Receipts for IdPs and SOC tooling: every TerminationApplied (what was ended, residual exposure, verdict). */
export const RECEIPTS_TOPIC = 'killswitch.receipts';

/** Facts that shape lineage, and revocations. Keyed by tenant and user, so one user's feed stays in order. */
export const FEED_TYPES: ReadonlySet<EventType> = REVOCATION_FEED_TYPES;

export interface FeedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

function userOf(event: DomainEvent): string {
  return 'userId' in event.data ? String(event.data.userId) : '';
}

/** A recorded event as a Kafka message: Avro single-object value, envelope in headers. */
export function toFeedMessage(registry: SchemaRegistry, recorded: RecordedEvent): FeedMessage {
  return {
    key: `${recorded.metadata.tenant}:${userOf(recorded.event)}`,
    value: encodeSingleObject(registry, recorded.event.type, recorded.event.data),
    headers: {
      tenant: recorded.metadata.tenant,
      position: String(recorded.position),
      'event-id': recorded.id,
      'recorded-at': String(recorded.recordedAt),
    },
  };
}

/** A feed message back into the shape projections consume. */
export function fromFeedMessage(registry: SchemaRegistry, value: Buffer, headers: Record<string, string>): RecordedEvent {
  const { name, value: data } = decodeSingleObject(registry, value);
  return {
    streamId: 'feed',
    revision: 0,
    position: Number(headers.position),
    id: headers['event-id'] ?? '',
    event: { type: name, data } as DomainEvent,
    metadata: { tenant: headers.tenant ?? '', correlationId: '', causationId: null, actor: 'feed', source: 'kafka', idpEventTime: null },
    recordedAt: Number(headers['recorded-at']),
    schemaFingerprint: value.subarray(2, 10).toString('hex'),
  };
}

/** Creates the feed and status topics if missing (auto-creation races the first metadata request). */
export async function ensureTopics(admin: import('kafkajs').Admin, replicationFactor = -1): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const topics = [
    { topic: FEED_TOPIC, numPartitions: 6, replicationFactor },
    { topic: STATUS_TOPIC, numPartitions: 3, replicationFactor },
    { topic: RECEIPTS_TOPIC, numPartitions: 3, replicationFactor },
  ].filter((t) => !existing.has(t.topic));
  if (topics.length > 0)
    await admin.createTopics({ topics, waitForLeaders: true }).catch((error: Error) => {
      if (!/already exists/i.test(error.message)) throw error;
    });
}
