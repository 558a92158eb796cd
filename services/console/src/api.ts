/** The ledger's API as the console uses it: same origin, the API key as a bearer, errors in words. */

export type Role = 'ingest' | 'read' | 'respond' | 'audit';

export interface Identity {
  readonly key: string;
  readonly tenant: string;
  readonly keyName: string;
  readonly roles: readonly Role[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const STORAGE_KEY = 'killswitch.console.key';

/** The key lives in this tab's session storage only: closing the tab forgets it. */
export const storedKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeKey = (key: string | null): void =>
  key === null ? sessionStorage.removeItem(STORAGE_KEY) : sessionStorage.setItem(STORAGE_KEY, key);

/** A sentence a SOC analyst can act on, for any failure. */
function explain(status: number, body: { error?: string; message?: string } | null): string {
  if (status === 401) return 'The API key was refused. Sign in again with a valid key.';
  if (status === 403 && body?.error === 'ERR_ROLE_FORBIDDEN') return `Your API key may not do this (${body.message ?? 'missing role'}).`;
  if (status === 403) return 'Your API key belongs to another tenant.';
  if (status === 404) return body?.message ? `Not found: ${body.message}.` : 'Not found.';
  if (status === 429) return 'Too many requests: wait a moment and try again.';
  if (status >= 500)
    return `The ledger could not answer (${status}${body?.error ? ` ${body.error}` : ''}). Try again; if it persists, check the ledger's logs.`;
  return body?.message ? `${body.message}${body.error ? ` (${body.error})` : ''}` : `The request failed (${status}).`;
}

async function request(key: string, path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(init.headers ?? {}) },
    });
  } catch {
    throw new ApiError(0, 'ERR_NETWORK', 'The ledger cannot be reached. Check your connection and that the ledger is running.');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
    throw new ApiError(response.status, body?.error ?? 'ERR_HTTP', explain(response.status, body));
  }
  return response;
}

export async function whoami(key: string): Promise<Identity> {
  const body = (await (await request(key, '/v1/whoami')).json()) as Omit<Identity, 'key'>;
  return { ...body, key };
}

export class Api {
  constructor(readonly identity: Identity) {}

  private path(path: string): string {
    return `/v1/tenants/${encodeURIComponent(this.identity.tenant)}${path}`;
  }

  can(role: Role): boolean {
    return this.identity.roles.includes(role);
  }

  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return (await (await request(this.identity.key, this.path(path) + (qs ? `?${qs}` : ''))).json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const response = await request(this.identity.key, this.path(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as T;
  }

  /** Downloads a file the API streams (exports, evidence) under the name the ledger gives it. */
  async download(path: string, query: Record<string, string | number | undefined> = {}): Promise<string> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    const response = await request(this.identity.key, this.path(path) + (qs ? `?${qs}` : ''), { headers: { accept: '*/*' } });
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'killswitch-export';
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return name;
  }
}

// Shapes of the API's answers the console reads.

export type NodeState = 'live' | 'revoked' | 'invalidated' | 'ended' | 'expired';
export interface NodeStatus {
  type: string;
  id: string;
  state: NodeState;
}
export interface Residual {
  bearer: { count: number; latestExpiry: number | null };
  deviceBound: { count: number; latestExpiry: number | null };
}
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
  edges: Array<{ from: string; to: string }>;
  exposureIfRevokedNow: Residual;
  outstandingAfterRevocation: Residual;
  attemptsAfterRevocation?: Array<{ type: string; id: string; count: number }>;
}
export interface SessionEntry {
  sessionId: string;
  parentSessionId: string | null;
  deviceId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  startedAt: number;
  lastActivityAt: number;
  expiresAt: number | null;
  status: string;
  terminationId: string | null;
}
export interface Termination {
  terminationId: string;
  status: string;
  scope: string;
  target: { type: string; id: string };
  userId: string | null;
  reason: string;
  source: string;
  requestedAt: number;
  noChange?: boolean;
  ended?: {
    sessionsRevoked: string[];
    sessionsInvalidated: string[];
    grants: string[];
    agents: string[];
    devices: string[];
    tokens: number;
    refreshTokens?: number;
    referenceTokens?: number;
    statelessTokens?: number;
    agentTasksCancelled?: string[];
    agentTasksTerminal?: string[];
  };
  residual?: Residual;
  verdict?: { level: string; bearerDeadline: number; deviceBoundDeadline: number; meets: boolean };
  propagation: { enforcers: Array<{ enforcerId: string; appliedAt: number }>; completedAt: number | null; propagationMs: number | null };
  receipt: {
    deliveredAt: number | null;
    attempts: number;
    failures: Array<{ attempt: number; error: string; final: boolean; at: number }>;
  };
  attemptsAfterRevocation: { count: number; lastAt: number | null; sources: Array<{ source: string; count: number }> };
  agentCancellations: Array<{ agentId: string; taskId: string; outcome: string; error: string | null }>;
}
export interface TerminationListItem {
  terminationId: string;
  recordedAt: number;
  source: string;
  scope: string;
  target: { type: string; id: string };
  userId: string | null;
  status: string;
}
export interface AuditEntry {
  sequence: number;
  recordedAt: number;
  terminationId: string;
  actor: string;
  source: string;
  scope: string;
  target: { type: string; id: string };
  userId: string | null;
  reason: string;
  hash: string;
}
