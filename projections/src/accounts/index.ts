export * from './projection.ts';
export * from './durable.ts';
