/** The bundled ledger's entry (`services/ledger/dist/main.mjs`). */
export declare const LEDGER_ENTRY: string;
/** Whether the bundle is missing or older than a source it is made of. */
export declare function ledgerBuildIsStale(): boolean;
/** Builds the bundle. */
export declare function buildLedger(): Promise<void>;
/** Builds the bundle unless it is up to date with its sources; resolves with its entry. */
export declare function ensureLedgerBuilt(): Promise<string>;
