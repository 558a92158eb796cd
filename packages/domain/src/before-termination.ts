import type { GraphView, Revocation } from './graph.ts';

/**
 * The graph as it was just before one termination: that termination's own revocations are set
 * aside and the not-before cut-offs it replaced are restored. Revocations by earlier
 * terminations keep their own id (they are never overwritten), so they still count.
 */
export function beforeTermination(
  graph: GraphView,
  terminationId: string,
  previous: { user: number | null; devices: ReadonlyMap<string, number | null> },
): GraphView {
  const unlessOwn = (found: Revocation | undefined) => (found && found.terminationId === terminationId ? undefined : found);
  const cutoff = (found: Revocation | undefined, restored: number | null | undefined): Revocation | undefined => {
    if (!found || found.terminationId !== terminationId) return found;
    return restored === null || restored === undefined ? undefined : { terminationId: 'earlier', at: restored };
  };
  // Everything else is read from the graph itself, through the prototype chain.
  return Object.assign(Object.create(graph) as GraphView, {
    userNotBefore: (userId: string) => cutoff(graph.userNotBefore(userId), previous.user),
    deviceNotBefore: (deviceId: string) => cutoff(graph.deviceNotBefore(deviceId), previous.devices.get(deviceId)),
    revokedSession: (id: string) => unlessOwn(graph.revokedSession(id)),
    revokedAgent: (id: string) => unlessOwn(graph.revokedAgent(id)),
    revokedGrant: (id: string) => unlessOwn(graph.revokedGrant(id)),
    revokedToken: (id: string) => unlessOwn(graph.revokedToken(id)),
  });
}
