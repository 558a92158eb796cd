export * from './state.ts';
export * from './check.ts';
export { revocationStatus, EXPIRY_GRACE_MS } from './projection.ts';
