import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { KeysUnavailable } from '@killswitch/protocols';

export interface RemoteKeysOptions {
  /** How long fetched keys are used before they are fetched again. */
  readonly cacheMaxAgeMs: number;
  /** Refreshes caused by unknown `kid`s: a burst of this many, then one per `refillMs`. */
  readonly refreshBurst: number;
  readonly refillMs: number;
  readonly timeoutMs: number;
  readonly now?: () => number;
}

type LocalKeys = ReturnType<typeof createLocalJWKSet>;

/**
 * An IdP's JWKS, fetched over HTTP with caching, that tells "the message's key is unknown" (final)
 * apart from "the keys cannot be had right now" (retryable, `KeysUnavailable`):
 * - a stale cache whose refresh fails keeps verifying with the keys it has (stale-if-error);
 * - an unknown `kid` triggers a refresh from a token bucket (so a flood of forged kids cannot
 *   hammer the IdP), and when no refresh is allowed the outcome of the last attempt decides:
 *   it failed, so the key may exist and the message must come again; it succeeded, so the key
 *   is unknown to a fresh key set.
 */
export class RemoteKeys {
  private local: LocalKeys | null = null;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  private pending: Promise<void> | null = null;
  private tokens: number;
  private refilledAt: number;
  private readonly now: () => number;

  constructor(
    private readonly url: URL,
    private readonly options: RemoteKeysOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.tokens = options.refreshBurst;
    this.refilledAt = this.now();
  }

  /** The key resolver `jose` verifies with. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (!this.local || this.now() - this.fetchedAt >= this.options.cacheMaxAgeMs) {
      try {
        await this.refresh();
      } catch (error) {
        if (!this.local) throw error; // nothing known yet: retry later
      }
    }
    try {
      return await (this.local as LocalKeys)(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (this.takeRefreshToken()) {
        await this.refresh(); // throws KeysUnavailable if the IdP cannot be reached
        return (this.local as LocalKeys)(header, token);
      }
      if (this.lastAttemptFailed) throw this.unavailable('the issuer’s keys could not be fetched');
      throw error;
    }
  };

  private takeRefreshToken(): boolean {
    const now = this.now();
    const refills = Math.floor((now - this.refilledAt) / this.options.refillMs);
    if (refills > 0) {
      this.tokens = Math.min(this.options.refreshBurst, this.tokens + refills);
      this.refilledAt += refills * this.options.refillMs;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** One fetch at a time; concurrent callers share it. */
  private refresh(): Promise<void> {
    this.pending ??= this.fetchKeys().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchKeys(): Promise<void> {
    try {
      const response = await fetch(this.url, {
        headers: { accept: 'application/json, application/jwk-set+json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (response.status !== 200) {
        await response.arrayBuffer().catch(() => undefined);
        throw new Error(`JWKS endpoint answered ${response.status}`);
      }
      const jwks = (await response.json()) as JSONWebKeySet;
      this.local = createLocalJWKSet(jwks); // throws on anything that is not a JWKS
      this.fetchedAt = this.now();
      this.lastAttemptFailed = false;
    } catch (error) {
      this.lastAttemptFailed = true;
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'failed';
      throw this.unavailable(`fetching the issuer’s keys ${reason}`);
    }
  }

  /** Retry soon while refreshes are allowed, else once the bucket has refilled. */
  private unavailable(message: string): KeysUnavailable {
    const untilRefill = this.tokens >= 1 ? 2000 : this.options.refillMs - (this.now() - this.refilledAt);
    return new KeysUnavailable(message, Math.max(1, Math.min(60, Math.ceil(untilRefill / 1000))));
  }
}
