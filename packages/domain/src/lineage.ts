import type { TokenMintedTypes } from '@killswitch/schemas';

export type Lineage = TokenMintedTypes.Lineage;

/** What a new node inherits from the node it was born in. */
export interface Parent {
  readonly kind: 'session' | 'agent';
  readonly id: string;
  readonly lineage: Lineage;
}

export const emptyLineage = (): Lineage => ({ sessions: [], agents: [], grants: [], deviceId: null });

/** A node's lineage: its parent, the parent's own ancestors, and the grant it was issued under. */
export function inheritLineage(parent: Parent | null, grantId: string | null, deviceId: string | null = null): Lineage {
  const base = parent?.lineage ?? emptyLineage();
  return {
    sessions: parent?.kind === 'session' ? [parent.id, ...base.sessions] : [...base.sessions],
    agents: parent?.kind === 'agent' ? [parent.id, ...base.agents] : [...base.agents],
    grants: grantId && !base.grants.includes(grantId) ? [grantId, ...base.grants] : [...base.grants],
    deviceId: base.deviceId ?? deviceId,
  };
}
