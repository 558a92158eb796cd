// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
export type { AgentSpawned } from './AgentSpawned.ts';
export type { GrantIssued } from './GrantIssued.ts';
export type { SessionActivityRecorded } from './SessionActivityRecorded.ts';
export type { SessionEnded } from './SessionEnded.ts';
export type { SessionStarted } from './SessionStarted.ts';
export type { SubjectRevoked } from './SubjectRevoked.ts';
export type { TerminationApplied } from './TerminationApplied.ts';
export type { TerminationRequested } from './TerminationRequested.ts';
export type { TokenMinted } from './TokenMinted.ts';
export type { KillswitchEvents as AgentSpawnedTypes } from './AgentSpawned.ts';
export type { KillswitchEvents as GrantIssuedTypes } from './GrantIssued.ts';
export type { KillswitchEvents as SessionActivityRecordedTypes } from './SessionActivityRecorded.ts';
export type { KillswitchEvents as SessionEndedTypes } from './SessionEnded.ts';
export type { KillswitchEvents as SessionStartedTypes } from './SessionStarted.ts';
export type { KillswitchEvents as SubjectRevokedTypes } from './SubjectRevoked.ts';
export type { KillswitchEvents as TerminationAppliedTypes } from './TerminationApplied.ts';
export type { KillswitchEvents as TerminationRequestedTypes } from './TerminationRequested.ts';
export type { KillswitchEvents as TokenMintedTypes } from './TokenMinted.ts';
