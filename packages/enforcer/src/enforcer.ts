import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { encodeSingleObject, SchemaRegistry } from '@killswitch/schemas';
import { ensureTopics, FEED_TOPIC, fromFeedMessage, STATUS_TOPIC } from './feed-codec.ts';
import { RevocationReplica, type Refusal } from './replica.ts';

export interface EnforcerOptions {
  readonly tenant: string;
  /** The ledger's base URL and an API key with the `read` role, for the bootstrap snapshot. */
  readonly ledgerUrl: string;
  readonly apiKey: string;
  /** Kafka bootstrap servers; empty: follow the ledger's HTTP feed instead (no Kafka configured). */
  readonly brokers: readonly string[];
  /** How often the HTTP feed is polled when there is no Kafka. */
  readonly httpPollMs?: number;
  /**
   * With Kafka: how often the enforcer asks the ledger where the tenant's feed stands (default
   * 2,000 ms; 0: never). Events the ledger named one check earlier that Kafka has still not
   * delivered are read over the HTTP feed instead.
   */
  readonly stallCheckMs?: number;
  /** Problems that do not stop the enforcer (the ledger briefly unreachable). */
  readonly onError?: (error: unknown) => void;
  readonly enforcerId?: string;
  readonly heartbeatMs?: number;
  /** How often refusals of revoked credentials are reported to the ledger (coalesced per credential per minute). */
  readonly reportMs?: number;
  readonly now?: () => number;
}

/** Refusals of one credential in one minute, as they will be reported. */
interface RefusalEntry {
  readonly refusal: { -readonly [K in keyof Refusal]: Refusal[K] };
  readonly minute: number;
  count: number;
  firstAt: number;
  lastAt: number;
}

/**
 * An enforcement point's view of revocations: bootstraps from the ledger's snapshot, follows the
 * Kafka feed, answers `check` locally, and reports what it applied (heartbeats and per-termination
 * acknowledgements on the enforcer-status topic), so the ledger measures propagation.
 */
export class Enforcer {
  readonly id: string;
  readonly replica: RevocationReplica;
  private readonly events = SchemaRegistry.load('events');
  private readonly status = SchemaRegistry.load('kafka');
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private pendingAcks: string[] = [];
  /** The producer timestamp of the feed message being applied (Kafka's CreateTime: when the relay published it). */
  private applyingPublishedAt: number | null = null;
  /**
   * When the feed message that brought each recently applied termination was published, for
   * propagation breakdowns (append → publish → apply). The last 10,000 terminations.
   */
  readonly feedPublishedAt = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: EnforcerOptions) {
    this.id = options.enforcerId ?? `enforcer-${randomUUID()}`;
    this.replica = new RevocationReplica(options.tenant, options.now, (terminationId) => this.acknowledge(terminationId));
    this.replica.onRefused = (refusal) => this.noteRefusal(refusal);
  }

  private refusals = new Map<string, RefusalEntry>();
  private reporting: NodeJS.Timeout | null = null;
  private reported: Promise<void> = Promise.resolve();
  private stopped = false;

  /**
   * Coalesces a refusal per credential and minute; the report goes out within `reportMs`. On the
   * hot path (the same credential presented again) this is one map lookup and a few field writes.
   */
  private noteRefusal(refusal: Refusal): void {
    const minute = Math.floor(refusal.at / 60_000);
    let key = refusal.credentialId;
    let entry = this.refusals.get(key);
    if (
      entry &&
      (entry.minute !== minute ||
        entry.refusal.terminationId !== refusal.terminationId ||
        entry.refusal.credentialType !== refusal.credentialType)
    ) {
      key = `${refusal.terminationId}\u0000${refusal.credentialType}:${refusal.credentialId}\u0000${minute}`;
      entry = this.refusals.get(key);
    }
    if (entry) {
      entry.count++;
      entry.lastAt = refusal.at;
      if (refusal.ip) entry.refusal.ip = refusal.ip;
      if (refusal.userAgent) entry.refusal.userAgent = refusal.userAgent;
    } else this.refusals.set(key, { refusal: { ...refusal }, minute, count: 1, firstAt: refusal.at, lastAt: refusal.at });
    this.scheduleReport();
  }

  private scheduleReport(): void {
    if (this.stopped) return;
    this.reporting ??= setTimeout(() => {
      this.reporting = null;
      this.reported = this.reported.then(() => this.report()).catch((error: unknown) => this.options.onError?.(error));
    }, this.options.reportMs ?? 1000);
  }

  /** Sends what was refused: over Kafka (the relay records it) or the ledger's HTTP API; kept for the next report if that fails. */
  private async report(): Promise<void> {
    const taken = [...this.refusals].slice(0, 1000);
    if (taken.length === 0) return;
    for (const [key] of taken) this.refusals.delete(key);
    const presentations = taken.map(([, { refusal, count, firstAt, lastAt }]) => ({
      terminationId: refusal.terminationId,
      credentialType: refusal.credentialType,
      credentialId: refusal.credentialId,
      userId: refusal.userId,
      count,
      firstAt,
      lastAt,
      ip: refusal.ip?.slice(0, 64) ?? null,
      userAgent: refusal.userAgent?.slice(0, 512) ?? null,
    }));
    // Over Kafka when configured (the relay records them), over the ledger's HTTP API otherwise.
    const sent = this.producer
      ? await this.sendStatus('PRESENTED', [], presentations).then(
          () => true,
          () => false,
        )
      : await this.postPresentations(presentations);
    if (!sent) {
      // Keep the counts for the next report (merged with anything noted meanwhile).
      for (const [key, entry] of taken) {
        const newer = this.refusals.get(key);
        if (newer) {
          newer.count += entry.count;
          newer.firstAt = Math.min(newer.firstAt, entry.firstAt);
        } else this.refusals.set(key, entry);
      }
      this.scheduleReport();
      throw new Error('presentation report failed: kept for the next one');
    }
  }

  private feedCursor = 0;
  /** With Kafka: the feed is known complete up to `latest` (`count` events of the tenant), and the positions applied above it. */
  private confirmed = { latest: 0, count: 0 };
  private appliedAbove: number[] = [];
  /** How many times the Kafka feed was found behind the ledger and the replica caught up over HTTP. */
  httpCatchUps = 0;
  private polling: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private restarting: Promise<void> = Promise.resolve();

  async start(): Promise<void> {
    if (this.options.brokers.length === 0) return this.startHttp();
    const kafka = new Kafka({
      clientId: this.id,
      brokers: [...this.options.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin);
    await admin.disconnect();
    this.producer = kafka.producer({ allowAutoTopicCreation: true });
    await this.producer.connect();
    // Join the feed first (from its end), then take the snapshot: nothing falls between the two.
    const buffered: Array<Parameters<RevocationReplica['apply']>[0]> = [];
    let live = false;
    await this.followFeed(kafka, (event) => {
      if (live) return false;
      buffered.push(event);
      return true;
    });
    this.replica.onApplied = (position) => {
      if (position <= this.confirmed.latest) return;
      // The ledger unreachable for long: forget them; the next check then finds a gap and reads it over HTTP.
      if (this.appliedAbove.length >= 1_000_000) this.appliedAbove = [];
      this.appliedAbove.push(position);
    };
    this.confirm(await this.bootstrap());
    for (const event of buffered.splice(0)) this.replica.apply(event);
    live = true;
    await this.sendStatus('HEARTBEAT', []);
    this.heartbeat = setInterval(() => void this.sendStatus('HEARTBEAT', []).catch(() => undefined), this.options.heartbeatMs ?? 1000);
    if ((this.options.stallCheckMs ?? 2000) > 0) this.watchFeed(this.options.stallCheckMs ?? 2000);
  }

  /**
   * Kafka stays the main path, but a revocation must not wait for Kafka to recover (a broker down,
   * a partition without a leader, a consumer stuck in its retries). Every `everyMs` the enforcer
   * asks the ledger where the tenant's feed stands: its latest feed event and how many there have
   * been. At the next check (Kafka has had an interval to bring them) it counts the events it
   * applied up to that point. Partitions deliver out of order, so a gap can hide below the newest
   * event applied: counts find it where positions would not. On a gap, the replica reads the range
   * over the HTTP feed; Kafka's late copies are then skipped as duplicates.
   */
  private watchFeed(everyMs: number): void {
    let named: { latest: number; count: number } | null = null;
    this.repeat(everyMs, async () => {
      const upTo = named;
      if (upTo && upTo.latest > this.confirmed.latest) {
        const applied = this.appliedAbove.filter((position) => position <= upTo.latest).length;
        const expected = upTo.count - this.confirmed.count;
        if (applied === expected) this.confirm(upTo);
        else {
          this.httpCatchUps++;
          this.options.onError?.(
            new Error(
              `Kafka feed behind the ledger (${applied} of ${expected} events up to position ${upTo.latest}): catching up over HTTP`,
            ),
          );
          await this.catchUp();
        }
      }
      named = await this.feedPage(this.confirmed.latest, 0);
    });
  }

  /** Everything up to `upTo.latest` is applied: count from there on. */
  private confirm(upTo: { latest: number; count: number }): void {
    this.confirmed = { latest: upTo.latest, count: upTo.count };
    this.appliedAbove = this.appliedAbove.filter((position) => position > upTo.latest);
  }

  /** Reads the HTTP feed from the last confirmed point to its end; all of it is then applied. */
  private async catchUp(): Promise<void> {
    this.confirm(await this.bootstrap(this.confirmed.latest));
  }

  /**
   * Runs `task` every `everyMs` after the previous run ended, until `stop`. A failure (the ledger
   * unreachable for a while) is not fatal: it is reported and the task runs again.
   */
  private repeat(everyMs: number, task: () => Promise<void>): void {
    const schedule = () => {
      this.polling = setTimeout(() => {
        this.inFlight = task()
          .catch((error: unknown) => this.options.onError?.(error))
          .finally(() => {
            if (this.polling) schedule();
          });
      }, everyMs);
    };
    schedule();
  }

  /**
   * Consumes the feed in this enforcer's group; resolves once it has joined. `hold` may keep an
   * event back (until the bootstrap snapshot is in). A consumer that crashes for good (retries
   * exhausted on a non-retriable error, say while brokers move partitions) is replaced by a new one
   * in the same group, which resumes from the committed offsets, after a catch-up over HTTP.
   */
  private async followFeed(kafka: Kafka, hold: (event: Parameters<RevocationReplica['apply']>[0]) => boolean): Promise<void> {
    const consumer = kafka.consumer({ groupId: this.id, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: FEED_TOPIC, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopped) return;
      this.options.onError?.(payload.error);
      this.restarting = (async () => {
        await consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (this.stopped) return;
        await this.catchUp().catch((error: unknown) => this.options.onError?.(error));
        await this.followFeed(kafka, () => false);
      })().catch((error: unknown) => this.options.onError?.(error));
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        const event = fromFeedMessage(this.events, message.value, headers);
        if (hold(event)) return;
        this.applyingPublishedAt = Number(message.timestamp);
        this.replica.apply(event);
        this.applyingPublishedAt = null;
      },
    });
    await joined;
  }

  /** Without Kafka: bootstrap, then keep reading the ledger's feed from where the last page ended. */
  private async startHttp(): Promise<void> {
    await this.bootstrap();
    this.repeat(this.options.httpPollMs ?? 100, async () => void (await this.bootstrap(this.feedCursor)));
  }

  /** Replays the tenant's feed-relevant events from the ledger, after a store position; returns the last page. */
  private async bootstrap(from = 0) {
    let after = from;
    for (;;) {
      const page = await this.feedPage(after, 5000);
      for (const item of page.events) this.replica.apply(fromFeedMessage(this.events, Buffer.from(item.value, 'base64'), item.headers));
      after = page.next;
      this.feedCursor = Math.max(this.feedCursor, after);
      if (page.done) return page;
    }
  }

  /** A page of the ledger's revocation feed after `after` (`limit` 0: only where the feed stands). */
  private async feedPage(after: number, limit: number) {
    const response = await fetch(
      `${this.options.ledgerUrl}/v1/tenants/${this.options.tenant}/revocation-feed?after=${after}&limit=${limit}`,
      {
        headers: { authorization: `Bearer ${this.options.apiKey}` },
      },
    );
    if (!response.ok) throw new Error(`revocation feed read failed: ${response.status}`);
    return (await response.json()) as {
      events: Array<{ value: string; headers: Record<string, string> }>;
      next: number;
      latest: number;
      count: number;
      done: boolean;
    };
  }

  private acknowledge(terminationId: string): void {
    if (this.applyingPublishedAt !== null) {
      if (this.feedPublishedAt.size >= 10_000) this.feedPublishedAt.delete(this.feedPublishedAt.keys().next().value as string);
      this.feedPublishedAt.set(terminationId, this.applyingPublishedAt);
    }
    this.pendingAcks.push(terminationId);
    this.flushing = this.flushing.then(() => this.flushAcks()).catch(() => undefined);
  }

  private async flushAcks(): Promise<void> {
    const ids = this.pendingAcks.splice(0);
    if (ids.length > 0) await this.sendStatus('APPLIED', ids);
  }

  private async sendStatus(
    kind: 'HEARTBEAT' | 'APPLIED' | 'PRESENTED',
    terminationIds: string[],
    presentations: ReadonlyArray<Record<string, unknown>> = [],
  ): Promise<void> {
    if (!this.producer) return;
    const value = encodeSingleObject(this.status, 'EnforcerStatus', {
      enforcerId: this.id,
      tenant: this.options.tenant,
      kind,
      position: this.replica.position,
      terminationIds,
      at: Date.now(),
      presentations,
    });
    await this.producer.send({ topic: STATUS_TOPIC, acks: -1, messages: [{ key: this.id, value }] });
  }

  private async postPresentations(presentations: ReadonlyArray<Record<string, unknown>>): Promise<boolean> {
    const body = presentations.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null)));
    const response = await fetch(`${this.options.ledgerUrl}/v1/tenants/${this.options.tenant}/presentations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: this.id, presentations: body }),
    }).catch(() => null);
    await response?.arrayBuffer();
    return response?.status === 202;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reporting) clearTimeout(this.reporting);
    this.reporting = null;
    await this.reported;
    await this.report().catch(() => undefined);
    if (this.reporting) clearTimeout(this.reporting);
    if (this.polling) clearTimeout(this.polling);
    this.polling = null;
    await this.inFlight;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.flushing;
    await this.restarting;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
