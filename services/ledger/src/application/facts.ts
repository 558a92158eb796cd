/** Facts the RP's auth layer reports, as they arrive over the ingest API (times in epoch ms). */
export interface TokenClaims {
  jti?: string;
  sub?: string;
  sid?: string;
  iat?: number;
  exp?: number;
  client_id?: string;
  scope?: string;
  agent_id?: string;
  cnf?: { jkt?: string; 'x5t#S256'?: string };
}

export type Fact =
  | {
      type: 'session.started';
      sessionId: string;
      userId: string;
      parentSessionId?: string;
      deviceId?: string;
      idpIssuer?: string;
      idpSid?: string;
      idpSubject?: string;
      /** The IdP's own id for the device, as its SSF events name it. */
      idpDeviceId?: string;
      clientId?: string;
      ip?: string;
      userAgent?: string;
      acr?: string;
      amr?: string[];
      authTime?: number;
      startedAt?: number;
      expiresAt?: number;
    }
  | { type: 'session.activity'; sessionId: string; at?: number; ip?: string; userAgent?: string }
  | { type: 'session.ended'; sessionId: string; endedAt?: number; reason?: string }
  | {
      type: 'grant.issued';
      grantId: string;
      userId?: string;
      sessionId?: string;
      agentId?: string;
      clientId: string;
      offlineAccess?: boolean;
      scope?: string;
      issuedAt?: number;
      expiresAt?: number;
    }
  | {
      type: 'token.minted';
      kind: 'access' | 'refresh' | 'agent' | 'id';
      format: 'jwt' | 'reference';
      tokenId?: string;
      claims?: TokenClaims;
      userId?: string;
      sessionId?: string;
      grantId?: string;
      agentId?: string;
      clientId?: string;
      scope?: string;
      binding?: 'bearer' | 'dpop' | 'mtls';
      bindingThumbprint?: string;
      issuedAt?: number;
      expiresAt?: number;
    }
  | { type: 'user.linked'; userId: string; identifiers: Array<Record<string, unknown>> }
  /** Other names (RFC 9493 subjects) under which IdPs know one of the RP's devices. */
  | { type: 'device.linked'; deviceId: string; userId?: string; identifiers: Array<Record<string, unknown>> }
  | { type: 'token.rotated'; tokenId: string; replacedBy?: string; rotatedAt?: number }
  | {
      type: 'agent.spawned';
      agentId: string;
      userId?: string;
      sessionId?: string;
      parentAgentId?: string;
      grantId?: string;
      runtimeUrl?: string;
      taskId?: string;
      spawnedAt?: number;
    }
  /** The agent runtime reports that a task reached a terminal state on its own. */
  | {
      type: 'agent.task_ended';
      agentId: string;
      taskId?: string;
      state: 'completed' | 'failed' | 'canceled' | 'rejected';
      endedAt?: number;
    }
  /** The agent instance stopped for good. */
  | { type: 'agent.ended'; agentId: string; reason?: string; endedAt?: number };
