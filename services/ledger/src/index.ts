export { buildApp, type AppDeps } from './http/app.ts';
export { startRuntime, signingKeyPath, type Runtime } from './runtime.ts';
export { parseConfig, loadConfig, type LedgerConfig } from './config.ts';
export { Ledger } from './application/ledger.ts';
export type { Fact } from './application/facts.ts';
export type { Caller } from './application/context.ts';
export { createLogger } from './logger.ts';
export { SsfPoller } from './idp/ssf/poller.ts';
export { SsfStreamClient } from './idp/ssf/streams.ts';
