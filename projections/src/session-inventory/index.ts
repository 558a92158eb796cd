export * from './types.ts';
export * from './durable.ts';
