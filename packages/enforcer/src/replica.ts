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
    if (event.event.type === 'SubjectRevoked' && !this.terminationsApplied.has(event.event.data.terminationId)) {
      this.terminationsApplied.set(event.event.data.terminationId, this.now());
      this.onTerminationApplied(event.event.data.terminationId, event.position);
    }
  }

  /** Is this token still good? Answered locally: a few hash and typed-array lookups. */
  check(claims: CheckClaims): CheckResult {
    return checkClaims(this.state.tenants.get(this.tenant), claims, this.now());
  }

  checkToken(tokenId: string): CheckResult {
    return checkToken(this.state.tenants.get(this.tenant), tokenId, this.now());
  }

  checkSession(sessionId: string): CheckResult {
    return checkSession(this.state.tenants.get(this.tenant), sessionId, this.now());
  }

  private remember(id: string): void {
    if (this.seen.size >= SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(id);
  }
}
