export { startRelay, type Relay, type RelayOptions } from './relay.ts';
export { watchEventLoop } from './watchdog.ts';
export { FeedPublisher } from './feed-publisher.ts';
export { PropagationTracker } from './propagation.ts';
export { FileCheckpoint, TerminationReactor, RECEIPT_EVENT, type ReceiptTarget } from '@killswitch/ledger';
