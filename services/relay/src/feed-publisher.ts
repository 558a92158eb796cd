import type { Producer } from 'kafkajs';
import { FEED_TOPIC, FEED_TYPES, RECEIPTS_TOPIC, toFeedMessage } from '@killswitch/enforcer';
import type { EventStore } from '@killswitch/event-store';
import { SchemaRegistry } from '@killswitch/schemas';
import type { FileCheckpoint } from '@killswitch/ledger';

/**
 * Publishes the revocation feed (and every termination's receipt, on the receipts topic) to Kafka at least once: reads the store after its checkpoint,
 * sends a batch with acks=all, and only then moves the checkpoint. A crash between send and
 * checkpoint resends the batch; consumers deduplicate by event id.
 */
export class FeedPublisher {
  private readonly registry = SchemaRegistry.load('events');
  private running = false;
  private loop: Promise<void> | null = null;
  private position: number;

  constructor(
    private readonly store: EventStore,
    private readonly producer: Producer,
    private readonly checkpoint: FileCheckpoint,
    private readonly options: { batchSize?: number; idleMs?: number; onError?: (error: unknown) => void; topic?: string } = {},
  ) {
    this.position = checkpoint.read();
  }

  get checkpointed(): number {
    return this.position;
  }

  /** One batch: returns the number of store events consumed (0 when caught up). */
  async publishOnce(): Promise<number> {
    const events = await this.store.readAll({ after: this.position, maxCount: this.options.batchSize ?? 500 });
    if (events.length === 0) return 0;
    const messages = events.filter((e) => FEED_TYPES.has(e.event.type)).map((e) => toFeedMessage(this.registry, e));
    const receipts = events.filter((e) => e.event.type === 'TerminationApplied').map((e) => toFeedMessage(this.registry, e));
    const topicMessages = [
      { topic: this.options.topic ?? FEED_TOPIC, messages },
      { topic: RECEIPTS_TOPIC, messages: receipts },
    ].filter((t) => t.messages.length > 0);
    if (topicMessages.length > 0) await this.producer.sendBatch({ acks: -1, topicMessages });
    const last = events[events.length - 1]?.position ?? this.position;
    this.checkpoint.write(last); // only after Kafka acknowledged the whole batch
    this.position = last;
    return events.length;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      let failures = 0;
      while (this.running) {
        try {
          const consumed = await this.publishOnce();
          failures = 0;
          if (consumed === 0) await sleep(this.options.idleMs ?? 5);
        } catch (error) {
          failures += 1;
          this.options.onError?.(error);
          await sleep(Math.min(5000, 50 * 2 ** failures));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
