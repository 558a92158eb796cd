import { DomainError, emptyLineage, type Lineage } from '@killswitch/domain';
import type { TenantGraph } from '@killswitch/projections';

export interface KnownSession {
  userId: string;
  ancestors: readonly string[];
  deviceId: string | null;
  ended: boolean;
  lastActivityAt: number;
}
export interface KnownIssued {
  userId: string;
  lineage: Lineage;
}

/** A node the live graph has let go, as the durable graph recorded it (see `GraphHistory.createdNode`). */
export type CreatedNode = (
  kind: 'SESSION' | 'AGENT' | 'GRANT',
  id: string,
) => { userId: string; data: unknown; ended: boolean } | undefined;

/**
 * Resolves references to sessions, agents and grants against the graph plus what earlier
 * facts of the same batch created, so one batch can start a session and mint its tokens. A node
 * the live graph no longer holds (it ended) is found in the durable graph's history.
 */
export class LineageResolver {
  readonly sessions = new Map<string, KnownSession>();
  readonly agents = new Map<string, KnownIssued>();
  readonly grants = new Map<string, KnownIssued>();
  readonly tokens = new Map<string, string>();

  constructor(
    private readonly graph: TenantGraph | undefined,
    private readonly lastActivity: (userId: string, sessionId: string) => number | undefined,
    private readonly created: CreatedNode = () => undefined,
  ) {}

  session(id: string): KnownSession | undefined {
    const local = this.sessions.get(id);
    if (local) return local;
    const node = this.graph?.sessions.get(id);
    if (!node) {
      const ended = this.created('SESSION', id);
      if (!ended) return undefined;
      const data = ended.data as { ancestors: string[]; deviceId: string | null; startedAt: number };
      return {
        userId: ended.userId,
        ancestors: data.ancestors,
        deviceId: data.deviceId,
        ended: ended.ended,
        lastActivityAt: data.startedAt,
      };
    }
    const lastActivityAt = this.lastActivity(node.userId, id) ?? node.startedAt;
    return { userId: node.userId, ancestors: node.ancestors, deviceId: node.deviceId, ended: node.ended, lastActivityAt };
  }

  agent(id: string): KnownIssued | undefined {
    return this.agents.get(id) ?? this.graph?.agents.get(id) ?? this.issued('AGENT', id);
  }

  grant(id: string): KnownIssued | undefined {
    return this.grants.get(id) ?? this.graph?.grants.get(id) ?? this.issued('GRANT', id);
  }

  private issued(kind: 'AGENT' | 'GRANT', id: string): KnownIssued | undefined {
    const node = this.created(kind, id);
    return node && { userId: node.userId, lineage: (node.data as { lineage: Lineage }).lineage };
  }

  tokenGrant(id: string): string | null {
    return this.graph?.tokens.get(id)?.lineage.grants[0] ?? null;
  }

  tokenOwner(id: string): string | undefined {
    return this.tokens.get(id) ?? this.graph?.tokens.get(id)?.userId;
  }

  /** Lineage of a node born in a session, an agent and/or under a grant; checks they share one user. */
  lineageOf(
    refs: { sessionId?: string | undefined; agentId?: string | undefined; grantId?: string | undefined },
    userId: string | undefined,
  ): { lineage: Lineage; userId: string } {
    const owners: string[] = userId ? [userId] : [];
    let lineage = emptyLineage();
    if (refs.agentId) {
      const agent = this.require('agent', refs.agentId, this.agent(refs.agentId));
      owners.push(agent.userId);
      lineage = { ...agent.lineage, agents: [refs.agentId, ...agent.lineage.agents] };
    } else if (refs.sessionId) {
      const session = this.require('session', refs.sessionId, this.session(refs.sessionId));
      owners.push(session.userId);
      lineage = { sessions: [refs.sessionId, ...session.ancestors], agents: [], grants: [], deviceId: session.deviceId };
    }
    if (refs.grantId) {
      const grant = this.require('grant', refs.grantId, this.grant(refs.grantId));
      owners.push(grant.userId);
      lineage = {
        sessions: lineage.sessions.length > 0 ? lineage.sessions : [...grant.lineage.sessions],
        agents: lineage.agents.length > 0 ? lineage.agents : [...grant.lineage.agents],
        grants: [...new Set([refs.grantId, ...grant.lineage.grants, ...lineage.grants])],
        deviceId: lineage.deviceId ?? grant.lineage.deviceId,
      };
    }
    const owner = owners[0];
    if (!owner) throw new DomainError('ERR_USER_REQUIRED', 'userId is required when no session, agent or grant is named');
    if (owners.some((o) => o !== owner)) throw new DomainError('ERR_LINEAGE_MISMATCH', 'referenced nodes belong to different users');
    return { lineage, userId: owner };
  }

  private require<T>(kind: string, id: string, found: T | undefined): T {
    if (!found) throw new DomainError('ERR_UNKNOWN_REFERENCE', `unknown ${kind} ${id}`);
    return found;
  }
}
