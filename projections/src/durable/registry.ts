import { durableAccounts } from '../accounts/durable.ts';
import { durableSessionGraph } from '../session-graph/durable.ts';
import { durableSessionInventory } from '../session-inventory/durable.ts';
import { durableTerminations } from '../termination-status/durable.ts';

/** Every durable read model (tables in the read-model database). */
export const DURABLE_PROJECTIONS = [durableSessionInventory, durableSessionGraph, durableTerminations, durableAccounts] as const;
