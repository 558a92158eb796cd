import { decodeJwt } from 'jose';

/** A JWT is looked up by its `jti`; anything else is a reference token's id. */
export function tokenIdOf(token: string): string | null {
  if (token.split('.').length !== 3) return token;
  try {
    const { jti } = decodeJwt(token);
    return typeof jti === 'string' ? jti : null;
  } catch {
    return null;
  }
}
