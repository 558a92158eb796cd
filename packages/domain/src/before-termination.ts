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
  return {
    ...bind(graph),
    userNotBefore: (userId) => cutoff(graph.userNotBefore(userId), previous.user),
    deviceNotBefore: (deviceId) => cutoff(graph.deviceNotBefore(deviceId), previous.devices.get(deviceId)),
    revokedSession: (id) => unlessOwn(graph.revokedSession(id)),
    revokedAgent: (id) => unlessOwn(graph.revokedAgent(id)),
    revokedGrant: (id) => unlessOwn(graph.revokedGrant(id)),
    revokedToken: (id) => unlessOwn(graph.revokedToken(id)),
  };
}

function bind(graph: GraphView): GraphView {
  return {
    userOf: (s) => graph.userOf(s),
    node: (s) => graph.node(s),
    sessionsOfUser: (u) => graph.sessionsOfUser(u),
    sessionsOfDevice: (d) => graph.sessionsOfDevice(d),
    descendants: (s) => graph.descendants(s),
    userCutoff: (u) => graph.userCutoff(u),
    deviceCutoff: (d) => graph.deviceCutoff(d),
    userNotBefore: (u) => graph.userNotBefore(u),
    deviceNotBefore: (d) => graph.deviceNotBefore(d),
    revokedSession: (id) => graph.revokedSession(id),
    revokedAgent: (id) => graph.revokedAgent(id),
    revokedGrant: (id) => graph.revokedGrant(id),
    revokedToken: (id) => graph.revokedToken(id),
  };
}
