export { startRelay, type Relay, type RelayOptions } from './relay.ts';
export { FeedPublisher } from './feed-publisher.ts';
export { FileCheckpoint } from './checkpoint.ts';
export { PropagationTracker } from './propagation.ts';
export { TerminationReactor, RECEIPT_EVENT, type ReceiptTarget } from './termination-reactor.ts';
