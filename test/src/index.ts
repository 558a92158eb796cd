export * from './test-ledger.ts';
export * from './idp-harness.ts';
export * from './agent-runtime.ts';
