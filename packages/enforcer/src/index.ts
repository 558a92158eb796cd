export * from './feed-codec.ts';
export { RevocationReplica } from './replica.ts';
export { Enforcer, type EnforcerOptions } from './enforcer.ts';
export { enforcerPlugin, enforcerMiddleware } from './middleware.ts';
