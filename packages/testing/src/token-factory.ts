import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, jwtVerify, calculateJwkThumbprint, type JWTPayload, type CryptoKey } from 'jose';

/** Signs the RP's own JWT access tokens with a key generated for the test (ES256). */
export class TokenFactory {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly publicKey: CryptoKey,
    readonly issuer: string,
  ) {}

  static async create(issuer = 'https://rp.example.test'): Promise<TokenFactory> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return new TokenFactory(privateKey, publicKey, issuer);
  }

  async sign(claims: JWTPayload & { sub: string; exp: number; iat: number }, typ = 'at+jwt'): Promise<string> {
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ })
      .setIssuer(this.issuer)
      .setAudience('https://api.example.test')
      .sign(this.privateKey);
  }

  /** What an enforcement point does before asking the ledger: verify, then read the claims. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, typ: 'at+jwt', algorithms: ['ES256'] });
    return payload;
  }
}

/** A DPoP key's RFC 7638 thumbprint, for `cnf.jkt`. */
export async function dpopThumbprint(): Promise<string> {
  const { publicKey } = await generateKeyPair('ES256');
  return calculateJwkThumbprint(await exportJWK(publicKey));
}
