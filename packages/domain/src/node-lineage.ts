import type { AgentNode, GrantNode, IssuedNode, SessionNode, TokenNode } from './graph.ts';
import type { Lineage } from './lineage.ts';
import { findRevocation, type RevocationLookups } from './revocation-check.ts';

type AnyNode = SessionNode | GrantNode | AgentNode | TokenNode;

const isSession = (node: AnyNode): node is SessionNode => 'ancestors' in node;
const isToken = (node: AnyNode): node is TokenNode => 'kind' in node;
const isAgent = (node: AnyNode): node is AgentNode => 'parentAgentId' in node;

/** A node's lineage including itself, so its own revocation counts. */
export function lineageOfNode(node: AnyNode): Lineage {
  if (isSession(node)) return { sessions: [node.id, ...node.ancestors], agents: [], grants: [], deviceId: node.deviceId };
  if (isToken(node)) return node.lineage;
  if (isAgent(node)) return { ...node.lineage, agents: [node.id, ...node.lineage.agents] };
  return { ...node.lineage, grants: [node.id, ...node.lineage.grants] };
}

/** Whether a node is revoked, by itself or through anything on its lineage. */
export function isNodeRevoked(node: AnyNode, lookups: RevocationLookups): boolean {
  const issuedAt = isSession(node) ? node.startedAt : (node as IssuedNode).issuedAt;
  const tokenId = isToken(node) ? node.id : null;
  return findRevocation(lookups, { userId: node.userId, issuedAt, lineage: lineageOfNode(node), tokenId }) !== null;
}
