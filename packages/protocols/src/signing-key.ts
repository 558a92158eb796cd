import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly privateKey: CryptoKey;
  /** The public part, as published at the ledger's JWKS URL. */
  readonly publicJwk: JWK;
}

/**
 * The RP's own signing key (for receipts sent back to IdPs), created on first use in the data
 * directory with owner-only permissions, so the ledger (which publishes it) and the relay (which
 * signs with it) share one key.
 */
export async function loadOrCreateSigningKey(path: string): Promise<SigningKey> {
  if (!existsSync(path)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: `rp-${randomUUID().slice(0, 8)}`, alg: 'ES256', use: 'sig' };
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, JSON.stringify(jwk), { flag: 'wx', mode: 0o600 });
    } catch {
      /* another process created it first: use theirs */
    }
  }
  chmodSync(path, 0o600);
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK & { kid: string };
  const { d: _private, ...publicJwk } = jwk;
  return { kid: jwk.kid, alg: 'ES256', privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey, publicJwk };
}
