import { createHash } from 'node:crypto';
import { streamId as streams, type SubjectRef, type SubjectType } from '@killswitch/domain';
import { WrongExpectedVersion, type AppendRequest } from '@killswitch/event-store';
import { accounts, messageKey, sessionGraph, type TenantAccounts, type TerminationRecord } from '@killswitch/projections';
import { scopeFor, simpleSubjects, type MessageType, type ScopeChoice, type SimpleSubject, type SubjectId } from '@killswitch/protocols';
import type { EventData } from '@killswitch/schemas';
import type { Caller } from '../application/context.ts';
import type { Ledger } from '../application/ledger.ts';

export type Protocol = 'ssf' | 'op-commands' | 'gtr' | 'bcl' | 'rfc7009' | 'rfc9700';
type Source = EventData<'TerminationRequested'>['source'];

const SOURCES: Record<Protocol, Source> = {
  ssf: 'SSF',
  'op-commands': 'OP_COMMANDS',
  gtr: 'GLOBAL_TOKEN_REVOCATION',
  bcl: 'BACKCHANNEL_LOGOUT',
  rfc7009: 'RFC7009',
  rfc9700: 'RFC7009',
};

/** A verified message from an IdP (or an RP client), ready to be applied. */
export interface IdpMessage {
  readonly protocol: Protocol;
  readonly issuer: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly raw: string;
  readonly idpEventTime: number | null;
  readonly reason: string;
}

export interface TerminationPlan {
  readonly scope: EventData<'TerminationRequested'>['scope'];
  readonly target: SubjectRef;
  /** Back-channel logout: also revoke the sessions' refresh tokens issued without offline_access. */
  readonly revokeSessionRefreshTokens?: boolean;
}

export interface AppliedMessage {
  readonly replayed: boolean;
  readonly terminations: TerminationRecord[];
}

export const digestOf = (raw: string) => createHash('sha256').update(raw).digest('base64url');

/**
 * Between the protocol endpoints and the ledger: resolves the subjects an IdP names within the
 * endpoint's tenant only, turns a message into terminations at the tenant's policy scope, and
 * records the message so that a replay is recognised by the event store.
 */
export class IdpGateway {
  constructor(private readonly ledger: Ledger) {}

  private accounts(tenant: string): TenantAccounts | undefined {
    return this.ledger.deps.host.state(accounts).tenants.get(tenant);
  }

  /** Was this message processed before: within the replay window (memory), or ever (the durable accounts)? */
  isReplay(tenant: string, message: Pick<IdpMessage, 'protocol' | 'issuer' | 'messageId'>): boolean {
    const key = messageKey(message.protocol, message.issuer, message.messageId);
    if (this.accounts(tenant)?.messages.has(key)) return true;
    return this.ledger.accountsHistory.processedMessage(tenant, key) !== undefined;
  }

  /** The user named by any of these identifiers, in this tenant only. */
  resolveUser(tenant: string, subjects: readonly SimpleSubject[]): string | null {
    const known = this.accounts(tenant)?.identifiers;
    for (const subject of subjects) {
      const userId = known?.get(subject.key);
      if (userId) return userId;
    }
    return null;
  }

  /** RP sessions derived from an IdP session (`sid`), optionally only those of one user. */
  sessionsOfIdpSession(tenant: string, issuer: string, idpSid: string, userId: string | null): string[] {
    const ids = [...(this.accounts(tenant)?.idpSessions.get(`${issuer} ${idpSid}`) ?? [])];
    const graph = this.ledger.deps.host.state(sessionGraph).tenants.get(tenant);
    return ids.filter((id) => userId === null || graph?.sessions.get(id)?.userId === userId);
  }

  sessionOwner(tenant: string, sessionId: string): string | null {
    return this.ledger.deps.host.state(sessionGraph).tenants.get(tenant)?.sessions.get(sessionId)?.userId ?? null;
  }

  /**
   * The RP devices an IdP's device subject names, in any RFC 9493 format: through the IdP device
   * ids sessions recorded and `device.linked` identifiers; an opaque id that is itself one of
   * this tenant's RP device ids names that device.
   */
  resolveDevices(tenant: string, subjects: readonly SimpleSubject[]): string[] {
    const known = this.accounts(tenant)?.deviceIdentifiers;
    const graph = this.ledger.deps.host.state(sessionGraph).tenants.get(tenant);
    const devices = new Set<string>();
    for (const subject of subjects) {
      const linked = known?.get(subject.key);
      if (linked) devices.add(linked);
      else if (subject.format === 'opaque' && subject.members.id && graph?.devices.has(subject.members.id)) devices.add(subject.members.id);
    }
    return [...devices];
  }

  /** The user whose sessions a device carries (devices are personal; the first session tells). */
  deviceOwner(tenant: string, deviceId: string): string | null {
    return this.ledger.deps.host.state(sessionGraph).tenants.get(tenant)?.userOf({ type: 'DEVICE', id: deviceId }) ?? null;
  }

  liveSessionsOnDevice(tenant: string, userId: string, deviceId: string): string[] {
    const graph = this.ledger.deps.host.state(sessionGraph).tenants.get(tenant);
    return graph
      ? graph
          .sessionsOfDevice(deviceId)
          .filter((s) => s.userId === userId)
          .map((s) => s.id)
      : [];
  }

  accountState(tenant: string, userId: string) {
    return this.accounts(tenant)?.states.get(userId) ?? 'UNKNOWN';
  }

  usersOfIssuer(tenant: string, issuer: string): string[] {
    return [...(this.accounts(tenant)?.issuerAccounts.get(issuer) ?? [])];
  }

  subjectOf(subjectId: SubjectId, member: 'user' | 'session' | 'device' | 'tenant'): readonly SimpleSubject[] {
    if (subjectId.kind === 'complex') return simpleSubjects(subjectId.members[member] as never);
    if (member !== 'user') return [];
    return subjectId.kind === 'aliases' ? subjectId.subjects : [subjectId.subject];
  }

  /**
   * The plans for a message type at the tenant's scope: the default scope keeps the natural
   * targets; an override to Global Revocation targets the user; `NONE` ends nothing.
   */
  plan(tenant: string, type: MessageType, userId: string, targets: readonly SubjectRef[]): TerminationPlan[] {
    const policy = (this.ledger.deps.scopePolicy?.(tenant) ?? {}) as Partial<Record<string, ScopeChoice>>;
    const scope = scopeFor(type, policy);
    if (scope === 'NONE') return [];
    if (scope === 'GLOBAL_REVOCATION') return [{ scope, target: { type: 'USER', id: userId } }];
    return targets.map((target) => ({ scope, target }));
  }

  /** The IdP's `sub` for a user, from the identifiers it is known by. */
  idpSubjectOf(tenant: string, issuer: string, userId: string): string | null {
    return this.accounts(tenant)?.idpSubjects.get(`${issuer} ${userId}`) ?? null;
  }

  /** Applies the plans, then `after` (a state change), then records the message. */
  async applyWith(
    tenant: string,
    message: IdpMessage,
    plans: readonly TerminationPlan[],
    after: () => Promise<void>,
  ): Promise<AppliedMessage> {
    return this.apply(tenant, message, plans, undefined, after);
  }

  /** Applies the plans (each idempotent by its own id), then records the message once. */
  async apply(
    tenant: string,
    message: IdpMessage,
    plans: readonly TerminationPlan[],
    outcome?: string,
    after?: () => Promise<void>,
  ): Promise<AppliedMessage> {
    const caller: Caller = {
      tenant,
      actor: `idp:${message.issuer}`,
      source: message.protocol,
      correlationId: `${message.protocol}:${message.messageId}`,
    };
    const digest = digestOf(message.raw);
    const terminations: TerminationRecord[] = [];
    const settledOutcome = outcome ?? (plans.length > 0 ? 'applied' : 'no-action');
    // A message with one termination and nothing after it is recorded in the termination's own commit.
    const together = plans.length === 1 && !after;
    let recordedTogether: boolean | undefined;
    for (const [index, plan] of plans.entries()) {
      const { record, alongside } = await this.ledger.terminate(caller, {
        scope: plan.scope,
        target: plan.target,
        reason: message.reason,
        source: SOURCES[message.protocol],
        messageIdentity: { issuer: message.issuer, messageId: plans.length > 1 ? `${message.messageId}#${index}` : message.messageId },
        messageDigest: digest,
        idpEventTime: message.idpEventTime,
        revokeSessionRefreshTokens: plan.revokeSessionRefreshTokens ?? false,
        ...(together
          ? { alongside: (terminationId: string) => this.recordRequest(caller, message, digest, settledOutcome, [terminationId]) }
          : {}),
      });
      terminations.push(record);
      recordedTogether = alongside;
    }
    await after?.();
    const recorded = recordedTogether ?? (await this.record(caller, message, digest, settledOutcome, terminations));
    return { replayed: !recorded, terminations };
  }

  /** Records a message with no termination (informational signals, lifecycle commands). */
  async record(
    caller: Caller,
    message: IdpMessage,
    digest: string,
    outcome: string,
    terminations: readonly TerminationRecord[] = [],
  ): Promise<boolean> {
    try {
      const result = await this.ledger.deps.store.append(
        this.recordRequest(
          caller,
          message,
          digest,
          outcome,
          terminations.map((t) => t.terminationId),
        ),
      );
      await this.ledger.deps.host.waitFor(result.position);
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedVersion) return false;
      throw error;
    }
  }

  /** The message as received, on its own stream: recorded once, whatever the deliveries. */
  private recordRequest(caller: Caller, message: IdpMessage, digest: string, outcome: string, terminationIds: string[]): AppendRequest {
    return {
      streamId: streams.idpMessage(caller.tenant, message.protocol, message.issuer, message.messageId),
      expected: 'no_stream',
      events: [
        {
          event: {
            type: 'IdpMessageReceived',
            data: {
              protocol: message.protocol,
              issuer: message.issuer,
              messageId: message.messageId,
              messageType: message.messageType,
              digest,
              idpEventTime: message.idpEventTime,
              receivedAt: this.ledger.deps.now(),
              outcome,
              terminationIds,
              raw: message.raw,
            },
          },
          metadata: {
            tenant: caller.tenant,
            correlationId: caller.correlationId,
            causationId: null,
            actor: caller.actor,
            source: caller.source,
            idpEventTime: message.idpEventTime,
          },
        },
      ],
    };
  }

  callerFor(tenant: string, message: Pick<IdpMessage, 'protocol' | 'issuer' | 'messageId'>): Caller {
    return { tenant, actor: `idp:${message.issuer}`, source: message.protocol, correlationId: `${message.protocol}:${message.messageId}` };
  }
}

export const subjectRef = (type: SubjectType, id: string): SubjectRef => ({ type, id });
