import type { RecordedEvent } from '@killswitch/event-store';
import {
  checkClaims,
  checkSession,
  checkToken,
  revocationStatus,
  type CheckClaims,
  type CheckResult,
  type RevocationStatusState,
} from '@killswitch/projections';

const SEEN_LIMIT = 100_000;

/** A refused credential that a termination had ended, as the enforcer reports it (never the token). */
export interface Refusal {
  readonly terminationId: string;
  readonly credentialType: 'TOKEN' | 'SESSION' | 'CLAIMS';
  readonly credentialId: string;
  readonly userId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly at: number;
}

/** What the app knows of the request a credential came with. */
export interface RequestContext {
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

/**
 * A local replica of one tenant's revocation index: the ledger's own projection, fed from a
 * snapshot and then the feed. Duplicated or reordered notices change nothing: the projection's
 * updates are set-if-absent or take the maximum, and event ids already applied are skipped.
 */
export class RevocationReplica {
  readonly state: RevocationStatusState = revocationStatus.initialState();
  private readonly seen = new Set<string>();
  private applied = 0;
  /** Termination ids whose revocations this replica has applied, with when. */
  readonly terminationsApplied = new Map<string, number>();

  /** Told of every refusal that names a termination (the enforcer reports them to the ledger). */
  onRefused: ((refusal: Refusal) => void) | null = null;
  /** Told of the position of every event applied (once each: duplicates are skipped before). */
  onApplied: ((position: number) => void) | null = null;

  constructor(
    readonly tenant: string,
    private readonly now: () => number = Date.now,
    private readonly onTerminationApplied: (terminationId: string, position: number) => void = () => {},
  ) {}

  /** The highest feed position applied. */
  get position(): number {
    return this.applied;
  }

  apply(event: RecordedEvent): void {
    if (event.metadata.tenant !== this.tenant || this.seen.has(event.id)) return;
    this.remember(event.id);
    revocationStatus.evolve(this.state, event);
    this.applied = Math.max(this.applied, event.position);
    this.onApplied?.(event.position);
    if (event.event.type === 'SubjectRevoked' && !this.terminationsApplied.has(event.event.data.terminationId)) {
      this.terminationsApplied.set(event.event.data.terminationId, this.now());
      this.onTerminationApplied(event.event.data.terminationId, event.position);
    }
  }

  /** Is this token still good? Answered locally: a few hash and typed-array lookups. */
  check(claims: CheckClaims, context?: RequestContext): CheckResult {
    const now = this.now();
    const result = checkClaims(this.state.tenants.get(this.tenant), claims, now);
    if (!result.active && result.terminationId) {
      const id = claims.jti ?? claims.sid ?? claims.agent_id;
      if (id) this.refused(result.terminationId, 'CLAIMS', id, claims.sub ?? null, context, now);
    }
    return result;
  }

  checkToken(tokenId: string, context?: RequestContext): CheckResult {
    const now = this.now();
    const result = checkToken(this.state.tenants.get(this.tenant), tokenId, now);
    if (!result.active && result.terminationId) this.refused(result.terminationId, 'TOKEN', tokenId, null, context, now);
    return result;
  }

  checkSession(sessionId: string, context?: RequestContext): CheckResult {
    const now = this.now();
    const result = checkSession(this.state.tenants.get(this.tenant), sessionId, now);
    if (!result.active && result.terminationId) this.refused(result.terminationId, 'SESSION', sessionId, null, context, now);
    return result;
  }

  private refused(
    terminationId: string,
    credentialType: Refusal['credentialType'],
    credentialId: string,
    userId: string | null,
    context: RequestContext | undefined,
    at: number,
  ) {
    this.onRefused?.({
      terminationId,
      credentialType,
      credentialId,
      userId,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      at,
    });
  }

  private remember(id: string): void {
    if (this.seen.size >= SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(id);
  }
}
