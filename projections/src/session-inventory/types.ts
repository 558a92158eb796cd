export type InventoryStatus = 'active' | 'ended' | 'invalidated' | 'revoked';

/** One session as its user (and the SOC) sees it: device, IP, user agent, last activity, status. */
export interface InventoryEntry {
  sessionId: string;
  parentSessionId: string | null;
  deviceId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  startedAt: number;
  lastActivityAt: number;
  expiresAt: number | null;
  ancestors: readonly string[];
  status: InventoryStatus;
  terminationId: string | null;
}
