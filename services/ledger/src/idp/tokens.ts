import { sessionGraph } from '@killswitch/projections';
import type { Ledger } from '../application/ledger.ts';

/** What the ledger recorded when a token was minted: owner, client, family. */
export function tokenMintedOwner(ledger: Ledger, tenant: string, tokenId: string) {
  const graph = ledger.deps.host.state(sessionGraph).tenants.get(tenant);
  const token = graph?.tokens.get(tokenId);
  if (!token) return undefined;
  const record = ledger.tokenRecord(tenant, tokenId);
  return { userId: token.userId, kind: token.kind, grantId: token.lineage.grants[0] ?? null, clientId: record?.clientId ?? null };
}
