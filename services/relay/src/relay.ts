import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '@killswitch/enforcer';
import { SqliteEventStore } from '@killswitch/event-store';
import { ProjectionHost, sessionGraph, terminationStatus } from '@killswitch/projections';
import { FileCheckpoint } from '@killswitch/ledger';
import { FeedPublisher } from './feed-publisher.ts';
import { PropagationTracker } from './propagation.ts';
import { TerminationReactor, type TerminationReactorOptions } from '@killswitch/ledger';

export interface RelayOptions {
  readonly dataDir: string;
  readonly brokers: readonly string[];
  /** Receipts: the RP's issuer URL, its signing key, and where each IdP takes receipts. */
  readonly receipts?: Omit<TerminationReactorOptions, 'now'>;
  readonly clientId?: string;
  readonly onError?: (error: unknown, context: string) => void;
}

export interface Relay {
  readonly publisher: FeedPublisher;
  readonly tracker: PropagationTracker;
  readonly reactor: TerminationReactor | null;
  stop(): Promise<void>;
}

/** The relay role: reactors that read the event store and talk to Kafka, never inside a request. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const store = new SqliteEventStore({ path: join(options.dataDir, 'events.sqlite') });
  const kafka = new Kafka({
    clientId: options.clientId ?? 'killswitch-relay',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 3000 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin);
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
  await producer.connect();
  const host = new ProjectionHost(store).register(terminationStatus).register(sessionGraph);
  await host.start();
  const publisher = new FeedPublisher(store, producer, new FileCheckpoint(join(options.dataDir, 'relay', 'feed.checkpoint.json')), {
    onError: (error) => options.onError?.(error, 'feed'),
  });
  publisher.start();
  const consumer = kafka.consumer({ groupId: 'killswitch-relay-propagation', sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  const tracker = new PropagationTracker(store, host, consumer);
  await tracker.start();
  const reactor = options.receipts
    ? new TerminationReactor(
        store,
        host,
        new FileCheckpoint(join(options.dataDir, 'relay', 'terminations.checkpoint.json')),
        options.receipts,
      )
    : null;
  reactor?.start();
  return {
    publisher,
    tracker,
    reactor,
    async stop() {
      await reactor?.stop();
      await publisher.stop();
      await consumer.disconnect();
      await producer.disconnect();
      await host.stop();
      await store.close();
    },
  };
}
