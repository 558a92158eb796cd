export * from './subject-id.ts';
export * from './verify-jwt.ts';
export * from './scope-policy.ts';
export * from './signing-key.ts';
export * from './sealed-export.ts';
