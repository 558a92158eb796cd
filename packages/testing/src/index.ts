export { TokenFactory, dpopThumbprint } from './token-factory.ts';
export { buildFixtureGraph, type FixtureGraph, type FixtureToken, type FactJson } from './fixture-graph.ts';
export * from './events.ts';
export { IdpSimulator, type SignOptions } from './idp-simulator.ts';
export { LEDGER_ENV, ledgerEntry, startLedgerProcess, type LedgerProcess } from './ledger-process.ts';
