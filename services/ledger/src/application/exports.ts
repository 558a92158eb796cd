/**
 * Compliance exports, streamed from disk in constant memory: the audit trail (durable read
 * model) and the raw events of a tenant (event store) for a time range, hash-chained and sealed
 * with the RP's key; and a termination's evidence bundle.
 */
import { streamId } from '@killswitch/domain';
import type { EventStore, RecordedEvent } from '@killswitch/event-store';
import type { TerminationHistory } from '@killswitch/projections';
import { sealEvidence, SealedExportWriter, type ExportFormat, type SigningKey } from '@killswitch/protocols';
import { presentedStream } from './presentations.ts';

export const EXPORT_KINDS = ['audit', 'events'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportRequest {
  readonly kind: ExportKind;
  readonly tenant: string;
  readonly format: ExportFormat;
  /** Recorded time, epoch ms: from inclusive, to exclusive. */
  readonly from?: number;
  readonly to?: number;
}

export interface ExportSources {
  readonly store: EventStore;
  /** The durable terminations (audit trail); an export of raw events reads the store only. */
  readonly terminations?: TerminationHistory;
  readonly signingKey: SigningKey;
  readonly now: () => number;
}

const AUDIT_COLUMNS = [
  'sequence',
  'position',
  'recordedAt',
  'terminationId',
  'actor',
  'source',
  'scope',
  'target',
  'userId',
  'reason',
  'issuer',
  'messageId',
  'messageDigest',
  'idpEventTime',
  'ended',
  'residual',
  'verdict',
  'previousHash',
  'hash',
];
const EVENT_COLUMNS = [
  'position',
  'recordedAt',
  'streamId',
  'revision',
  'eventId',
  'type',
  'actor',
  'source',
  'correlationId',
  'causationId',
  'idpEventTime',
  'data',
];
const PAGE = 1000;
/** Lines are written in chunks of about this many characters. */
const CHUNK = 64 * 1024;

async function* auditRecords(
  terminations: TerminationHistory | undefined,
  request: ExportRequest,
): AsyncGenerator<Record<string, unknown>> {
  if (!terminations) throw new Error('the audit trail needs the durable read models');
  const first = request.from === undefined ? 1 : terminations.firstAuditSequenceFrom(request.tenant, request.from);
  if (first === null) return;
  for (let after = first - 1; ;) {
    const page = terminations.auditEntries(request.tenant, after, PAGE);
    for (const entry of page) {
      if (request.to !== undefined && entry.recordedAt >= request.to) return;
      yield entry as unknown as Record<string, unknown>;
    }
    const last = page[page.length - 1];
    if (!last) return;
    after = last.sequence;
  }
}

/** The `after` position from which events recorded at or after `from` start (recorded time grows with position). */
async function positionBefore(store: EventStore, from: number): Promise<number> {
  let low = 0;
  let high = await store.headPosition();
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const [event] = await store.readAll({ after: middle, maxCount: 1 });
    if (!event || event.recordedAt >= from) high = middle;
    else if (event.position >= high) return high;
    else low = event.position;
  }
  return low;
}

export function eventRecord(e: RecordedEvent): Record<string, unknown> {
  return {
    position: e.position,
    recordedAt: e.recordedAt,
    streamId: e.streamId,
    revision: e.revision,
    eventId: e.id,
    type: e.event.type,
    actor: e.metadata.actor,
    source: e.metadata.source,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId,
    idpEventTime: e.metadata.idpEventTime,
    data: e.event.data,
  };
}

async function* eventRecords(store: EventStore, request: ExportRequest): AsyncGenerator<Record<string, unknown>> {
  let after = request.from === undefined ? 0 : await positionBefore(store, request.from);
  for (;;) {
    const page = await store.readAll({ after, maxCount: PAGE });
    for (const e of page) {
      if (request.to !== undefined && e.recordedAt >= request.to) return;
      if (e.metadata.tenant === request.tenant && (request.from === undefined || e.recordedAt >= request.from)) yield eventRecord(e);
    }
    const last = page[page.length - 1];
    if (!last) return;
    after = last.position;
  }
}

/** The export's text in chunks: header, one chained line per record, then the seal. */
export async function* sealedExport(sources: ExportSources, request: ExportRequest): AsyncGenerator<string> {
  const writer = new SealedExportWriter({
    type: request.kind,
    tenant: request.tenant,
    from: request.from ?? null,
    to: request.to ?? null,
    createdAt: sources.now(),
    format: request.format,
    ...(request.format === 'csv' ? { columns: request.kind === 'audit' ? AUDIT_COLUMNS : EVENT_COLUMNS } : {}),
  });
  let chunk = writer.header();
  const records = request.kind === 'audit' ? auditRecords(sources.terminations, request) : eventRecords(sources.store, request);
  for await (const record of records) {
    chunk += writer.line(record);
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + (await writer.seal(sources.signingKey));
}

/**
 * A termination's evidence, signed: the IdP's message as received (with its digest and the
 * outcome of its verification), every event of the termination (request, revocations,
 * application, propagation per enforcer, receipts, agent cancellations), the refused reuses
 * after it, and its audit entry. Undefined when the termination is unknown.
 */
export async function evidenceBundle(sources: ExportSources, tenant: string, terminationId: string): Promise<string | undefined> {
  const events = await sources.store.readStream(streamId.termination(tenant, terminationId));
  const request = events.find((e) => e.event.type === 'TerminationRequested');
  if (!request || request.metadata.tenant !== tenant || request.event.type !== 'TerminationRequested') return undefined;
  const presented = await sources.store.readStream(presentedStream(tenant, terminationId));
  const { issuer, messageId } = request.event.data;
  const idpMessages: Array<Record<string, unknown>> = [];
  if (issuer && messageId && request.metadata.actor.startsWith('idp:')) {
    const protocol = request.metadata.correlationId.slice(0, request.metadata.correlationId.indexOf(':'));
    const [message] = await sources.store.readStream(streamId.idpMessage(tenant, protocol, issuer, messageId.replace(/#\d+$/, '')));
    if (message?.event.type === 'IdpMessageReceived')
      idpMessages.push({
        ...message.event.data,
        position: message.position,
        recordedAt: message.recordedAt,
        verification:
          'recorded only after the message’s signature verified with the issuer’s published keys and its issuer, audience, freshness and replay checks passed',
      });
  }
  const all = events.map(eventRecord);
  const ofType = (...types: string[]) => all.filter((e) => types.includes(e.type as string));
  const evidence = {
    kind: 'killswitch-termination-evidence',
    version: 1,
    tenant,
    terminationId,
    createdAt: sources.now(),
    request: eventRecord(request),
    idpMessages,
    applied: ofType('TerminationApplied')[0] ?? null,
    acknowledgements: ofType('TerminationPropagated', 'TerminationPropagationCompleted'),
    receipts: ofType('ReceiptDelivered', 'ReceiptDeliveryFailed'),
    agentCancellations: ofType('AgentTaskCancelled', 'AgentTaskCancellationFailed'),
    reuseAfterRevocation: presented.map(eventRecord),
    auditEntry: sources.terminations?.auditEntryOf(tenant, terminationId) ?? null,
    events: all,
  };
  return sealEvidence(evidence, sources.signingKey);
}
