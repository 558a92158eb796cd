import {
  isNodeRevoked,
  residualOf,
  type AgentNode,
  type Descendants,
  type GrantNode,
  type SessionNode,
  type SubjectRef,
  type TokenNode,
} from '@killswitch/domain';
import type { TenantGraph } from './tenant-graph.ts';

export type NodeState = 'live' | 'revoked' | 'invalidated' | 'ended' | 'expired';

export interface NodeStatus {
  type: SubjectRef['type'];
  id: string;
  state: NodeState;
}

const TOKEN_LIST_LIMIT = 1000;

export interface BlastRadius {
  subject: NodeStatus;
  userId: string;
  ancestors: NodeStatus[];
  descendants: {
    sessions: NodeStatus[];
    grants: NodeStatus[];
    agents: NodeStatus[];
    tokens: { live: number; revoked: number; expired: number; list: NodeStatus[]; truncated: boolean };
  };
  /** Lineage among the nodes listed (subject, descendants, listed tokens): each node's nearest parent, `TYPE:id`. */
  edges: Array<{ from: string; to: string }>;
  /** Stateless tokens that would outlive a revocation issued now (they can only expire). */
  exposureIfRevokedNow: ReturnType<typeof residualOf>;
  /** Stateless tokens already revoked but still verifiable offline until they expire. */
  outstandingAfterRevocation: ReturnType<typeof residualOf>;
}

/** What revoking a node would end, and what it hangs from: for SOC triage. */
export function blastRadius(graph: TenantGraph, subject: SubjectRef, now: number): BlastRadius | null {
  const userId = graph.userOf(subject);
  if (userId === null) return null;
  const below = graph.descendants(subject);
  const status = (type: SubjectRef['type'], node: SessionNode | GrantNode | AgentNode | TokenNode): NodeStatus => ({
    type,
    id: node.id,
    state: stateOf(graph, node, now),
  });
  const tokens = below.tokens.map((t) => status('TOKEN', t));
  const liveTokens = below.tokens.filter((t, i) => tokens[i]?.state === 'live');
  const revokedTokens = below.tokens.filter((t, i) => tokens[i]?.state === 'revoked');
  return {
    ...lineageEdges(subject, below, TOKEN_LIST_LIMIT),
    subject: { ...subject, state: subjectState(graph, subject, now) },
    userId,
    ancestors: graph.ancestors(subject).map((ref) => ({ ...ref, state: subjectState(graph, ref, now) })),
    descendants: {
      sessions: below.sessions.filter((s) => !(subject.type === 'SESSION' && s.id === subject.id)).map((s) => status('SESSION', s)),
      grants: below.grants.filter((g) => !(subject.type === 'GRANT' && g.id === subject.id)).map((g) => status('GRANT', g)),
      agents: below.agents.filter((a) => !(subject.type === 'AGENT' && a.id === subject.id)).map((a) => status('AGENT', a)),
      tokens: {
        live: liveTokens.length,
        revoked: revokedTokens.length,
        expired: tokens.filter((t) => t.state === 'expired').length,
        list: tokens.slice(0, TOKEN_LIST_LIMIT),
        truncated: tokens.length > TOKEN_LIST_LIMIT,
      },
    },
    exposureIfRevokedNow: residualOf(liveTokens, now),
    outstandingAfterRevocation: residualOf(revokedTokens as TokenNode[], now),
  };
}

/** Each listed node's nearest listed parent (the subject when its parent lies outside the radius). */
function lineageEdges(subject: SubjectRef, below: Descendants, tokenLimit: number): { edges: Array<{ from: string; to: string }> } {
  const root = `${subject.type}:${subject.id}`;
  const candidates: Array<[string, Array<string | null>]> = [
    ...below.sessions.map((s): [string, Array<string | null>] => [
      `SESSION:${s.id}`,
      [s.parentSessionId && `SESSION:${s.parentSessionId}`],
    ]),
    ...below.agents.map((a): [string, Array<string | null>] => [
      `AGENT:${a.id}`,
      [a.parentAgentId && `AGENT:${a.parentAgentId}`, a.sessionId && `SESSION:${a.sessionId}`],
    ]),
    ...below.grants.map((g): [string, Array<string | null>] => [
      `GRANT:${g.id}`,
      [g.agentId && `AGENT:${g.agentId}`, g.sessionId && `SESSION:${g.sessionId}`],
    ]),
    ...below.tokens.slice(0, tokenLimit).map((t): [string, Array<string | null>] => {
      const { grants, agents, sessions } = t.lineage;
      return [
        `TOKEN:${t.id}`,
        [grants[0] ? `GRANT:${grants[0]}` : null, agents[0] ? `AGENT:${agents[0]}` : null, sessions[0] ? `SESSION:${sessions[0]}` : null],
      ];
    }),
  ];
  const listed = new Set([root, ...candidates.map(([key]) => key)]);
  const edges = candidates
    .filter(([key]) => key !== root)
    .map(([key, parents]) => ({ from: parents.find((p): p is string => !!p && listed.has(p) && p !== key) ?? root, to: key }));
  return { edges };
}

/** A node's state in a graph at an instant: revoked (itself or through its lineage), expired, ended, invalidated or live. */
export function stateOf(graph: TenantGraph, node: SessionNode | GrantNode | AgentNode | TokenNode, now: number): NodeState {
  const expiresAt = (node as { expiresAt?: number | null }).expiresAt ?? null;
  if (isNodeRevoked(node, graph)) return 'revoked';
  if (expiresAt !== null && expiresAt <= now) return 'expired';
  if ('ancestors' in node) {
    if (node.ended) return 'ended';
    if (node.invalidated) return 'invalidated';
  }
  return 'live';
}

function subjectState(graph: TenantGraph, ref: SubjectRef, now: number): NodeState {
  switch (ref.type) {
    case 'USER':
      return graph.users.get(ref.id)?.notBefore ? 'revoked' : 'live';
    case 'DEVICE':
      return graph.devices.get(ref.id)?.notBefore ? 'revoked' : 'live';
    default: {
      const node =
        ref.type === 'SESSION'
          ? graph.sessions.get(ref.id)
          : ref.type === 'GRANT'
            ? graph.grants.get(ref.id)
            : ref.type === 'AGENT'
              ? graph.agents.get(ref.id)
              : graph.tokens.get(ref.id);
      return node ? stateOf(graph, node, now) : 'expired';
    }
  }
}
