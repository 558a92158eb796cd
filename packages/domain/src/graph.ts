import type { TerminationAppliedTypes, TerminationRequestedTypes, TokenMintedTypes } from '@killswitch/schemas';
import type { Lineage } from './lineage.ts';
import type { RevocationLookups } from './revocation-check.ts';

export type SubjectType = TerminationRequestedTypes.SubjectType;
export interface SubjectRef {
  type: SubjectType;
  id: string;
}

/** Why a node is no longer usable, if it is not. */
export interface Revocation {
  readonly terminationId: string;
  readonly at: number;
}

export interface SessionNode {
  readonly id: string;
  readonly userId: string;
  readonly parentSessionId: string | null;
  readonly deviceId: string | null;
  readonly ancestors: readonly string[];
  readonly authTime: number;
  readonly startedAt: number;
  readonly expiresAt: number | null;
  ended: boolean;
  invalidated: Revocation | null;
  revoked: Revocation | null;
}

export interface IssuedNode {
  readonly id: string;
  readonly userId: string;
  readonly issuedAt: number;
  readonly lineage: Lineage;
  revoked: Revocation | null;
}

export interface GrantNode extends IssuedNode {
  readonly sessionId: string | null;
  readonly agentId: string | null;
  readonly offlineAccess: boolean;
  readonly expiresAt: number | null;
}

export interface AgentNode extends IssuedNode {
  readonly sessionId: string | null;
  readonly parentAgentId: string | null;
  /** A2A endpoint and task to cancel when the agent is revoked. */
  readonly runtimeUrl?: string | null;
  readonly taskId?: string | null;
  /** The task's terminal state once the runtime reported one (COMPLETED, FAILED, CANCELED, REJECTED). */
  taskState?: string | null;
  /** The agent instance stopped for good. */
  ended?: boolean;
}

export interface TokenNode extends IssuedNode {
  readonly kind: TokenMintedTypes.TokenKind;
  readonly format: TokenMintedTypes.TokenFormat;
  readonly binding: TokenMintedTypes.TokenBinding;
  readonly expiresAt: number;
}

/** Everything derived from a node, the node included. */
export interface Descendants {
  sessions: SessionNode[];
  grants: GrantNode[];
  agents: AgentNode[];
  tokens: TokenNode[];
}

/** Tokens under some nodes, as a receipt counts them. */
export interface TokenTally {
  /** Live (unexpired) tokens not already revoked: what revoking the nodes ends, split by kind. */
  readonly live: { tokens: number; refreshTokens: number; referenceTokens: number; statelessTokens: number };
  /** Unexpired stateless access tokens, revoked or not: valid offline until `exp`. */
  readonly residual: TerminationAppliedTypes.ResidualExposure;
}

/** Read access to one tenant's session graph, as deciders need it. */
export interface GraphView extends RevocationLookups {
  userOf(subject: SubjectRef): string | null;
  node(subject: SubjectRef): SessionNode | GrantNode | AgentNode | TokenNode | undefined;
  sessionsOfUser(userId: string): SessionNode[];
  sessionsOfDevice(deviceId: string): SessionNode[];
  /** With `withoutTokens`, `tokens` is left empty (see `tokenTally`). */
  descendants(subject: SubjectRef, options?: { withoutTokens?: boolean }): Descendants;
  /**
   * Where the view can count them without a node per token: the live tokens under these roots
   * (all of `userId`'s nodes), as a receipt reports them. `null`: enumerate `descendants` instead.
   */
  tokenTally?(userId: string, roots: readonly SubjectRef[], before: RevocationLookups, now: number): TokenTally | null;
  userCutoff(userId: string): number | null;
  deviceCutoff(deviceId: string): number | null;
}
