import { Webhook } from 'standardwebhooks';
import type { EventStore, RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent } from '@killswitch/schemas';
import type { WebhookEndpointConfig } from '../config.ts';
import { acknowledgement } from '../idp/acknowledgement.ts';
import { FileCheckpoint } from './checkpoint.ts';

/** A message as it goes out: Standard Webhooks' `{type, timestamp, data}`. */
export interface WebhookMessage {
  readonly webhookId: string;
  readonly type: string;
  readonly sourcePosition: number;
  readonly body: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** The message an event makes, if it makes one (never a token, an IP or a user agent). */
export function messageOf(recorded: RecordedEvent): WebhookMessage | null {
  const event = recorded.event as DomainEvent;
  const make = (type: string, data: Record<string, unknown>): WebhookMessage => ({
    webhookId: `msg_${recorded.id}`,
    type,
    sourcePosition: recorded.position,
    body: { type, timestamp: new Date(recorded.recordedAt).toISOString(), data: { tenant: recorded.metadata.tenant, ...data } },
  });
  switch (event.type) {
    case 'SubjectRevoked': {
      const d = event.data;
      if (d.subject.type !== 'SESSION' || d.effect === 'NOT_BEFORE') return null;
      return make(d.effect === 'INVALIDATED' ? 'session.invalidated' : 'session.revoked', {
        sessionId: d.subject.id,
        userId: d.userId,
        terminationId: d.terminationId,
        at: d.at,
      });
    }
    case 'TerminationApplied': {
      const d = event.data;
      return make('termination.applied', {
        terminationId: d.terminationId,
        userId: d.userId,
        appliedAt: d.appliedAt,
        noChange: d.noChange,
        ...acknowledgement([d]),
        ipsie: { level: d.verdict.level, meets: d.verdict.meets },
      });
    }
    case 'TerminationPropagationCompleted': {
      const d = event.data;
      return make('termination.propagated', {
        terminationId: d.terminationId,
        enforcers: d.enforcers,
        completedAt: d.completedAt,
        propagationMs: d.propagationMs,
      });
    }
    case 'RevokedCredentialPresented': {
      const d = event.data;
      return make('credential.presented_after_revocation', {
        terminationId: d.terminationId,
        userId: d.userId,
        credentialType: d.credentialType.toLowerCase(),
        credentialId: d.credentialId,
        source: d.source,
        count: d.count,
        firstAt: d.firstAt,
        lastAt: d.lastAt,
      });
    }
    case 'AgentTaskCancelled': {
      const d = event.data;
      return make('agent.task_cancelled', {
        terminationId: d.terminationId,
        agentId: d.agentId,
        taskId: d.taskId,
        outcome: d.outcome,
        cancelledAt: d.cancelledAt,
      });
    }
    default:
      return null;
  }
}

export interface WebhookReactorOptions {
  /** The tenant's endpoints, read at each message (a configuration reload applies at once). */
  readonly endpoints: (tenant: string) => readonly WebhookEndpointConfig[];
  /** Where each endpoint's checkpoint lives (`<dir>/<tenant>.<endpoint>.json`). */
  readonly checkpointDir: string;
  readonly tenants: () => readonly string[];
  readonly now?: () => number;
  /** First retry delay; doubles per attempt (with jitter) up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Attempts stop after this long; the message is then listed as undelivered (default 24 h). */
  readonly retryWindowMs?: number;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
}

/**
 * Outbound webhooks, at least once, never from inside a request: one worker per (tenant,
 * endpoint) reads the event store after its own checkpoint, in store order (so in order per
 * user), delivers each message with exponential backoff and jitter until it is accepted or the
 * retry window closes, records every attempt (`WebhookAttempted`), and only then moves its
 * checkpoint. The `webhook-id` is the same on every attempt and on a resend.
 */
export class WebhookReactor {
  private readonly workers = new Map<string, Promise<void>>();
  private stopped = false;
  private readonly wake = new Set<() => void>();
  private readonly resends: Array<{ tenant: string; endpointId: string; sourcePosition: number; resolve: (ok: boolean) => void }> = [];
  private scanning: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly options: WebhookReactorOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.workers.clear();
    const scan = () => {
      for (const tenant of this.options.tenants())
        for (const endpoint of this.options.endpoints(tenant)) {
          const key = `${tenant}.${endpoint.id}`;
          if (!this.workers.has(key)) this.workers.set(key, this.run(tenant, endpoint.id));
        }
    };
    scan();
    this.scanning = setInterval(scan, 1000); // endpoints added by a configuration reload
  }

  /** Sends one message again (from its source event), now; resolves with whether it was accepted. */
  resend(tenant: string, endpointId: string, sourcePosition: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.resends.push({ tenant, endpointId, sourcePosition, resolve });
      for (const wake of this.wake) wake();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scanning) clearInterval(this.scanning);
    for (const wake of this.wake) wake();
    await Promise.all(this.workers.values());
  }

  private async run(tenant: string, endpointId: string): Promise<void> {
    const checkpoint = new FileCheckpoint(`${this.options.checkpointDir}/${tenant}.${endpointId}.json`);
    let after = checkpoint.read();
    while (!this.stopped) {
      await this.serveResends(tenant, endpointId);
      const events = await this.store.readAll({ after, maxCount: 200 });
      for (const recorded of events) {
        if (this.stopped) return;
        if (recorded.metadata.tenant === tenant) {
          const endpoint = this.endpoint(tenant, endpointId);
          if (!endpoint) return; // removed from the configuration
          const message = messageOf(recorded);
          if (message && (!endpoint.events || endpoint.events.includes(message.type as never))) {
            const done = await this.deliver(tenant, endpoint, message, true);
            if (!done) return; // stopping: the checkpoint stays before this message
          }
        }
        after = recorded.position;
        checkpoint.write(after);
      }
      if (events.length === 0) await this.sleep(this.options.pollMs ?? 200);
    }
  }

  private async serveResends(tenant: string, endpointId: string): Promise<void> {
    for (const request of this.resends.filter((r) => r.tenant === tenant && r.endpointId === endpointId)) {
      this.resends.splice(this.resends.indexOf(request), 1);
      const [recorded] = await this.store.readAll({ after: request.sourcePosition - 1, maxCount: 1 });
      const endpoint = this.endpoint(tenant, endpointId);
      const message = recorded && recorded.position === request.sourcePosition ? messageOf(recorded) : null;
      request.resolve(endpoint && message ? await this.deliver(tenant, endpoint, message, false) : false);
    }
  }

  private endpoint(tenant: string, endpointId: string): WebhookEndpointConfig | undefined {
    return this.options.endpoints(tenant).find((e) => e.id === endpointId);
  }

  /**
   * Attempts until accepted (2xx) or, when `retry`, until the window closes (then recorded as
   * final). Returns false only when stopping interrupted it.
   */
  private async deliver(tenant: string, endpoint: WebhookEndpointConfig, message: WebhookMessage, retry: boolean): Promise<boolean> {
    const now = this.options.now ?? Date.now;
    const started = now();
    const payload = JSON.stringify(message.body);
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return false;
      const at = now();
      const signatures = endpoint.secrets.map((secret) => new Webhook(secret).sign(message.webhookId, new Date(at), payload)).join(' ');
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': message.webhookId,
            'webhook-timestamp': String(Math.floor(at / 1000)),
            'webhook-signature': signatures,
          },
          body: payload,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        await response.arrayBuffer();
        status = response.status;
        if (status < 200 || status >= 300) error = `receiver answered ${status}`;
      } catch (failure) {
        error = (failure as Error).message;
      }
      const delivered = error === null;
      const final = delivered || !retry || now() - started >= (this.options.retryWindowMs ?? 86_400_000);
      await this.record(tenant, endpoint.id, message, { attempt, status, error, delivered, final, at });
      if (delivered) return true;
      if (final) return !this.stopped || !retry;
      const base = Math.min(this.options.maxDelayMs ?? 3_600_000, (this.options.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
      await this.sleep(base / 2 + Math.random() * (base / 2));
    }
  }

  private async record(
    tenant: string,
    endpointId: string,
    message: WebhookMessage,
    outcome: { attempt: number; status: number | null; error: string | null; delivered: boolean; final: boolean; at: number },
  ): Promise<void> {
    await this.store.append({
      streamId: `webhook-${tenant}:${endpointId}`,
      expected: 'any',
      events: [
        {
          event: {
            type: 'WebhookAttempted',
            data: {
              endpointId,
              webhookId: message.webhookId,
              eventType: message.type,
              sourcePosition: message.sourcePosition,
              ...outcome,
              error: outcome.error?.slice(0, 500) ?? null,
            },
          },
          metadata: {
            tenant,
            correlationId: message.webhookId,
            causationId: null,
            actor: 'webhooks',
            source: 'webhooks',
            idpEventTime: null,
          },
        },
      ],
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      const wakers = this.wake;
      wakers.add(done);
    });
  }
}
