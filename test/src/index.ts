export * from './test-ledger.ts';
