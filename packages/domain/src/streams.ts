/** Stream ids: small consistency boundaries, always qualified by tenant. */
export const streamId = {
  session: (tenant: string, id: string) => `session-${tenant}:${id}`,
  grant: (tenant: string, id: string) => `grant-${tenant}:${id}`,
  token: (tenant: string, id: string) => `token-${tenant}:${id}`,
  agent: (tenant: string, id: string) => `agent-${tenant}:${id}`,
  termination: (tenant: string, id: string) => `termination-${tenant}:${id}`,
} as const;
