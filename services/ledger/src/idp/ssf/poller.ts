import type { SetReceiver } from './receiver.ts';

export interface PollerOptions {
  readonly tenant: string;
  readonly endpointUrl: string;
  readonly authorization: string;
  readonly maxEvents: number;
  readonly intervalMs: number;
  readonly maxBackoffMs?: number;
  readonly receiver: SetReceiver;
  readonly onError?: (error: unknown) => void;
}

interface PollResponse {
  sets?: Record<string, string>;
  moreAvailable?: boolean;
}

/**
 * RFC 8936 poll client: acknowledges by `jti` only what was durably applied, reports `setErrs`
 * for invalid SETs, leaves SETs that failed for a transient reason unacknowledged (so they are
 * redelivered), and backs off exponentially while the transmitter fails.
 */
export class SsfPoller {
  private ack: string[] = [];
  private setErrs: Record<string, { err: string; description: string }> = {};
  private failures = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly options: PollerOptions) {}

  /** Current delay before the next poll after `failures` consecutive failures. */
  get backoffMs(): number {
    if (this.failures === 0) return this.options.intervalMs;
    return Math.min(this.options.maxBackoffMs ?? 60_000, this.options.intervalMs * 2 ** this.failures);
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** One request: sends pending acks/errors, applies what comes back. Returns whether more is available. */
  async pollOnce(): Promise<boolean> {
    const body = { ack: this.ack, setErrs: this.setErrs, maxEvents: this.options.maxEvents, returnImmediately: true };
    let response: Response;
    try {
      response = await fetch(this.options.endpointUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: this.options.authorization },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      this.failures += 1;
      throw error;
    }
    if (!response.ok) {
      this.failures += 1;
      await response.arrayBuffer();
      throw new Error(`poll endpoint answered ${response.status}`);
    }
    // The transmitter has the acknowledgements now; keep nothing twice.
    this.ack = [];
    this.setErrs = {};
    this.failures = 0;
    const { sets = {}, moreAvailable = false } = (await response.json()) as PollResponse;
    for (const [jti, set] of Object.entries(sets)) {
      const outcome = await this.options.receiver.receive(this.options.tenant, set);
      if (outcome.ok) this.ack.push(jti);
      else if (outcome.status === 400) this.setErrs[jti] = { err: outcome.err, description: outcome.description };
      // 503 (keys unreachable): neither ack nor error, the SET comes again.
    }
    return moreAvailable;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let more = false;
        try {
          more = await this.pollOnce();
        } catch (error) {
          this.options.onError?.(error);
        }
        if (!this.running) break;
        if (!more || this.ack.length > 0) await this.sleep(more ? 0 : this.backoffMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    // Flush acknowledgements of what was applied, so the transmitter does not resend it.
    if (this.ack.length > 0 || Object.keys(this.setErrs).length > 0) {
      await fetch(this.options.endpointUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.options.authorization },
        body: JSON.stringify({ ack: this.ack, setErrs: this.setErrs, maxEvents: 0, returnImmediately: true }),
      }).catch(() => undefined);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}
