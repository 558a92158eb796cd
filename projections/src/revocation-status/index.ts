export * from './state.ts';
export * from './check.ts';
export { revocationStatus, EXPIRY_GRACE_MS, REVOCATION_FEED_TYPES } from './projection.ts';
