export * from './test-ledger.ts';
export * from './idp-harness.ts';
