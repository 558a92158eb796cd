import { randomUUID } from 'node:crypto';
import { hasNoLiveTask } from '@killswitch/domain';
import { SignJWT } from 'jose';
import type { EventStore, RecordedEvent, Subscription } from '@killswitch/event-store';
import { sessionGraph, terminationStatus, type ProjectionHost, type TerminationRecord } from '@killswitch/projections';
import type { SigningKey } from '@killswitch/protocols';
import type { DomainEvent } from '@killswitch/schemas';
import { acknowledgement } from '../idp/acknowledgement.ts';
import { appendToTermination } from './append-to-termination.ts';
import type { FileCheckpoint } from './checkpoint.ts';

export const RECEIPT_EVENT = 'https://killswitch.dev/secevent/termination-receipt';
const IDP_SOURCES = new Set(['SSF', 'OP_COMMANDS', 'GLOBAL_TOKEN_REVOCATION', 'BACKCHANNEL_LOGOUT']);

export interface ReceiptTarget {
  readonly endpointUrl: string;
  readonly authorization?: string;
}

export interface TerminationReactorOptions {
  readonly issuer: string;
  readonly signingKey: SigningKey;
  readonly receiptTarget: (tenant: string, idpIssuer: string) => ReceiptTarget | undefined;
  /** How long a receipt waits for every enforcer to apply the termination before it is sent anyway. */
  readonly propagationWaitMs?: number;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly now?: () => number;
}

/** How often the checkpoint file is written while terminations settle. */
const CHECKPOINT_MS = 200;

/**
 * After every termination: tells agent runtimes to cancel revoked agents' tasks (A2A CancelTask)
 * and sends the IdP a signed receipt (a SET pushed per RFC 8935). Each delivery is retried with
 * backoff and recorded as events; the checkpoint moves past a termination once its work settled.
 */
export class TerminationReactor {
  private subscription: Subscription | null = null;
  private readonly pending: Array<{ position: number; settled: boolean; done: Promise<void> }> = [];
  private checkpointed: number;
  private written: number;
  /** The last position read from the feed (every event up to it has been looked at). */
  private read: number;
  private writing: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly host: ProjectionHost,
    private readonly checkpoint: FileCheckpoint,
    private readonly options: TerminationReactorOptions,
  ) {
    this.checkpointed = checkpoint.read();
    this.written = this.checkpointed;
    this.read = this.checkpointed;
  }

  start(): void {
    this.subscription = this.store.subscribeToAll({
      after: this.checkpointed,
      onEvents: async (events) => {
        for (const event of events) this.onEvent(event);
        this.read = Math.max(this.read, events[events.length - 1]?.position ?? 0);
        this.advance();
      },
    });
  }

  private onEvent(recorded: RecordedEvent): void {
    if (recorded.event.type !== 'TerminationApplied') return;
    const tenant = recorded.metadata.tenant;
    const terminationId = recorded.event.data.terminationId;
    const entry = { position: recorded.position, settled: false, done: Promise.resolve() };
    entry.done = this.host
      .waitFor(recorded.position)
      .then(() => Promise.all([this.cancelAgents(tenant, terminationId), this.sendReceipt(tenant, terminationId)]))
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        entry.settled = true;
        this.advance();
      });
    this.pending.push(entry);
  }

  /**
   * The checkpoint moves to the highest position below which every event has been read and every
   * termination's work has settled: just before the oldest termination still at work, or the
   * last event read when none is. It follows the feed even when no termination comes, so a
   * restart reads only the events since the last one it looked at, whatever the history.
   * The file is written at most every `CHECKPOINT_MS` (an fsync per termination would cost more
   * than the work): after a crash, the few terminations since are looked at again, and each
   * finds its receipt and cancellations already recorded.
   */
  private advance(): void {
    while (this.pending[0]?.settled) this.pending.shift();
    const oldest = this.pending[0];
    this.checkpointed = Math.max(this.checkpointed, oldest ? oldest.position - 1 : this.read);
    if (this.checkpointed !== this.written && !this.writing) this.writing = setTimeout(() => this.writeCheckpoint(), CHECKPOINT_MS);
  }

  private writeCheckpoint(): void {
    if (this.writing) clearTimeout(this.writing);
    this.writing = null;
    if (this.checkpointed === this.written) return;
    this.checkpoint.write(this.checkpointed);
    this.written = this.checkpointed;
  }

  private record(tenant: string, terminationId: string): TerminationRecord | undefined {
    return this.host.state(terminationStatus).tenants.get(tenant)?.get(terminationId);
  }

  private async cancelAgents(tenant: string, terminationId: string): Promise<void> {
    const record = this.record(tenant, terminationId);
    const graph = this.host.state(sessionGraph).tenants.get(tenant);
    for (const agentId of record?.applied?.ended.agents ?? []) {
      const agent = graph?.agents.get(agentId);
      if (!agent?.runtimeUrl || !agent.taskId) continue;
      // A task that had already ended is neither cancelled nor counted as cancelled.
      if (record?.applied?.ended.agentTasksTerminal.includes(agentId) || hasNoLiveTask(agent)) continue;
      if (record?.agentCancellations.some((c) => c.agentId === agentId && !('error' in c))) continue;
      const { runtimeUrl, taskId } = agent;
      await this.withRetries(
        async () => cancelTask(runtimeUrl, taskId, record?.request.reason ?? 'authorization revoked'),
        (outcome, attempts) => ({
          type: 'AgentTaskCancelled',
          data: { agentId, taskId, runtimeUrl, terminationId, outcome, attempts, cancelledAt: this.now() },
        }),
        (error, attempt, final) => ({
          type: 'AgentTaskCancellationFailed',
          data: { agentId, taskId, runtimeUrl, terminationId, attempt, error, final, failedAt: this.now() },
        }),
        tenant,
        terminationId,
      );
    }
  }

  private async sendReceipt(tenant: string, terminationId: string): Promise<void> {
    let record = this.record(tenant, terminationId);
    if (!record?.applied || record.receipt.delivered || !record.request.issuer || !IDP_SOURCES.has(record.request.source)) return;
    const target = this.options.receiptTarget(tenant, record.request.issuer);
    if (!target) return;
    const deadline = Date.now() + (this.options.propagationWaitMs ?? 10_000);
    while (!record?.propagation.completed && Date.now() < deadline && !this.stopped) {
      await sleep(50);
      record = this.record(tenant, terminationId);
    }
    const current = record as TerminationRecord;
    const jti = randomUUID();
    const set = await this.receiptSet(current, jti);
    await this.withRetries(
      async () => {
        const response = await fetch(target.endpointUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/secevent+jwt',
            accept: 'application/json',
            ...(target.authorization ? { authorization: target.authorization } : {}),
          },
          body: set,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.status !== 202) throw new Error(`receiver answered ${response.status}`);
        return 'delivered';
      },
      (_outcome, attempts) => ({
        type: 'ReceiptDelivered',
        data: { terminationId, endpointUrl: target.endpointUrl, receiptJti: jti, attempts, deliveredAt: this.now() },
      }),
      (error, attempt, final) => ({
        type: 'ReceiptDeliveryFailed',
        data: { terminationId, endpointUrl: target.endpointUrl, attempt, error, final, failedAt: this.now() },
      }),
      tenant,
      terminationId,
    );
  }

  /** The receipt: what was ended, what is still alive and until when, the IPSIE verdict, and propagation. */
  private async receiptSet(record: TerminationRecord, jti: string): Promise<string> {
    const applied = record.applied;
    const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : Math.floor(ms / 1000));
    const payload = {
      termination_id: record.terminationId,
      scope: record.request.scope.toLowerCase(),
      reason: record.request.reason,
      received_at: seconds(record.request.requestedAt),
      ...(applied ? acknowledgement([applied]) : { ended: null, residual: null }),
      ipsie: applied && { level: applied.verdict.level, meets: applied.verdict.meets },
      enforcers: {
        applied: Object.keys(record.propagation.enforcers).length,
        all_applied_at: seconds(record.propagation.completed?.completedAt),
        propagation_ms: record.propagation.completed?.propagationMs ?? null,
      },
    };
    return new SignJWT({
      sub_id: { format: 'opaque', id: record.request.userId ?? '' },
      txn: record.request.messageId ?? undefined,
      events: { [RECEIPT_EVENT]: payload },
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.options.signingKey.kid, typ: 'secevent+jwt' })
      .setIssuer(this.options.issuer)
      .setAudience(record.request.issuer as string)
      .setIssuedAt()
      .setJti(jti)
      .sign(this.options.signingKey.privateKey);
  }

  private async withRetries(
    attempt: () => Promise<string>,
    succeeded: (outcome: string, attempts: number) => DomainEvent,
    failed: (error: string, attempt: number, final: boolean) => DomainEvent,
    tenant: string,
    terminationId: string,
  ): Promise<void> {
    const max = this.options.maxAttempts ?? 12;
    for (let n = 1; n <= max && !this.stopped; n++) {
      try {
        const outcome = await attempt();
        return this.record_(tenant, terminationId, succeeded(outcome, n));
      } catch (error) {
        const final = n === max;
        await this.record_(tenant, terminationId, failed((error as Error).message.slice(0, 200), n, final));
        if (!final) await sleep(Math.min(10_000, (this.options.baseDelayMs ?? 200) * 2 ** (n - 1)));
      }
    }
  }

  private record_(tenant: string, terminationId: string, event: DomainEvent): Promise<void> {
    return appendToTermination(this.store, this.host, tenant, terminationId, event, 'relay');
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await Promise.all(this.pending.map((p) => p.done));
    this.writeCheckpoint();
  }
}

/** A2A v1.0 JSON-RPC CancelTask; a task already terminal or gone counts as stopped. */
async function cancelTask(runtimeUrl: string, taskId: string, reason: string): Promise<string> {
  const response = await fetch(runtimeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: randomUUID(),
      method: 'CancelTask',
      params: { id: taskId, metadata: { reason: `authorization revoked: ${reason}` } },
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`agent runtime answered ${response.status}`);
  const body = (await response.json()) as { result?: { status?: { state?: string } }; error?: { code: number; message?: string } };
  if (body.error?.code === -32002) return 'already-terminal';
  if (body.error?.code === -32001) return 'not-found';
  if (body.error) throw new Error(`CancelTask failed: ${body.error.code} ${body.error.message ?? ''}`);
  return body.result?.status?.state === 'TASK_STATE_CANCELED' ? 'canceled' : `state ${body.result?.status?.state ?? 'unknown'}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
