import { acknowledgement } from './acknowledgement.ts';
import type { TerminationRecord } from '@killswitch/projections';
import { JwtRejected, unverifiedIssuer, verifyJwt, type MessageType } from '@killswitch/protocols';
import type { AccountState } from '@killswitch/projections';
import type { IdpGateway, IdpMessage } from './gateway.ts';
import type { RegisteredIdp, TenantRegistry } from './registry.ts';
import type { Ledger } from '../application/ledger.ts';

export const ACCOUNT_COMMANDS = [
  'activate',
  'maintain',
  'suspend',
  'reactivate',
  'archive',
  'restore',
  'delete',
  'audit',
  'invalidate',
] as const;
export const TENANT_COMMANDS = [
  'metadata',
  'audit_tenant',
  'suspend_tenant',
  'archive_tenant',
  'delete_tenant',
  'invalidate_tenant',
] as const;
type AccountCommand = (typeof ACCOUNT_COMMANDS)[number];
type TenantCommand = (typeof TENANT_COMMANDS)[number];

/** Extension member carrying what the command ended (ignored by OPs that do not know it). */
export const EXTENSION = 'urn:killswitch:termination';

/** State machine of account commands (OP Commands draft 02 §4.1): allowed from-states, resulting state, invalidates? */
const LIFECYCLE: Record<AccountCommand, { from: readonly AccountState[]; to: AccountState | null; invalidates: boolean }> = {
  activate: { from: ['UNKNOWN'], to: 'ACTIVE', invalidates: false },
  maintain: { from: ['ACTIVE'], to: null, invalidates: false },
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED', invalidates: true },
  reactivate: { from: ['SUSPENDED'], to: 'ACTIVE', invalidates: false },
  archive: { from: ['ACTIVE', 'SUSPENDED'], to: 'ARCHIVED', invalidates: true },
  restore: { from: ['ARCHIVED'], to: 'ACTIVE', invalidates: false },
  delete: { from: ['ACTIVE', 'SUSPENDED', 'ARCHIVED'], to: 'UNKNOWN', invalidates: true },
  audit: { from: ['UNKNOWN', 'ACTIVE', 'SUSPENDED', 'ARCHIVED'], to: null, invalidates: false },
  invalidate: { from: ['ACTIVE'], to: null, invalidates: true },
};

export type CommandResult =
  | { kind: 'json'; status: number; body: Record<string, unknown>; retryAfterSeconds?: number }
  | { kind: 'stream'; command: TenantCommand; claims: Record<string, unknown>; registered: RegisteredIdp };

const error = (status: number, code: string, description: string): CommandResult => ({
  kind: 'json',
  status,
  body: { error: code, error_description: description },
});

export function terminationSummary(records: readonly TerminationRecord[]) {
  const applied = records.map((r) => r.applied).filter((a) => a !== null);
  return {
    termination_ids: records.map((r) => r.terminationId),
    scope: records[0]?.request.scope.toLowerCase() ?? null,
    ...acknowledgement(applied),
    ipsie: applied[0] ? { level: applied[0].verdict.level, meets: applied.every((a) => a.verdict.meets) } : null,
  };
}

/** OpenID Provider Commands (draft 02): validation, account lifecycle and Invalidate Functionality. */
export class OpCommands {
  constructor(
    private readonly registry: TenantRegistry,
    private readonly gateway: IdpGateway,
    private readonly ledger: Ledger,
    private readonly now: () => number,
  ) {}

  endpoint(tenant: string): string {
    return this.registry.endpointUrl(tenant, 'op/commands');
  }

  async handle(tenant: string, token: string | undefined): Promise<CommandResult> {
    if (!token) return error(400, 'invalid_request', 'command_token is required');
    const issuer = unverifiedIssuer(token);
    if (!issuer) return error(400, 'invalid_request', 'command_token is not a JWT with an issuer');
    const registered = this.registry.idp(tenant, issuer);
    if (!registered) return error(401, 'unrecognized_provider', 'the issuer is not a recognized OpenID Provider');
    let claims: Record<string, unknown>;
    try {
      claims = await verifyJwt(token, registered.trusted, {
        typ: ['command+jwt'],
        audience: this.endpoint(tenant),
        required: ['iss', 'aud', 'client_id', 'iat', 'exp', 'jti', 'command', 'tenant'],
        forbidden: ['nonce'],
        clockSkewSeconds: this.registry.current.clockSkewSeconds,
        maxAgeSeconds: this.registry.current.maxMessageAgeSeconds,
        now: this.now,
      });
    } catch (e) {
      if (!(e instanceof JwtRejected)) throw e;
      return e.retryable
        ? {
            kind: 'json',
            status: 503,
            body: { error: 'temporarily_unavailable', error_description: e.message },
            ...(e.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: e.retryAfterSeconds }),
          }
        : error(400, 'invalid_request', e.message);
    }
    if (claims.client_id !== registered.idp.clientId) return error(400, 'invalid_request', 'client_id is not this RP');
    if (typeof claims.tenant !== 'string') return error(400, 'invalid_request', 'tenant must be a string');
    if (registered.idp.idpTenant !== undefined && claims.tenant !== registered.idp.idpTenant)
      return error(400, 'invalid_request', 'tenant is not this RP tenant');
    if (typeof claims.jti !== 'string' || this.gateway.isReplay(tenant, { protocol: 'op-commands', issuer, messageId: claims.jti })) {
      return error(400, 'invalid_request', 'command token already used');
    }
    const command = claims.command;
    if (ACCOUNT_COMMANDS.includes(command as AccountCommand)) {
      if (typeof claims.sub !== 'string' || claims.metadata !== undefined)
        return error(400, 'invalid_request', 'account commands carry sub and no metadata');
      if (claims.aud_sub !== undefined && (typeof claims.aud_sub !== 'string' || claims.aud_sub.length === 0))
        return error(400, 'invalid_request', 'aud_sub must be a string');
      return this.account(tenant, token, issuer, command as AccountCommand, claims);
    }
    if (TENANT_COMMANDS.includes(command as TenantCommand)) {
      if (claims.sub !== undefined || claims.aud_sub !== undefined) return error(400, 'invalid_request', 'tenant commands carry no sub');
      if (command === 'metadata') return this.metadata(tenant, token, issuer, claims);
      return { kind: 'stream', command: command as TenantCommand, claims, registered };
    }
    return error(400, 'unsupported_command', 'command not supported');
  }

  private message(issuer: string, claims: Record<string, unknown>, token: string, reason: string): IdpMessage {
    return {
      protocol: 'op-commands',
      issuer,
      messageId: claims.jti as string,
      messageType: `op.${String(claims.command)}`,
      raw: token,
      idpEventTime: null,
      reason,
    };
  }

  private async account(
    tenant: string,
    token: string,
    issuer: string,
    command: AccountCommand,
    claims: Record<string, unknown>,
  ): Promise<CommandResult> {
    const sub = claims.sub as string;
    const keys = [...(typeof claims.aud_sub === 'string' ? [`opaque:${claims.aud_sub}`] : []), `iss_sub:${issuer} ${sub}`];
    const userId = this.gateway.resolveUser(
      tenant,
      keys.map((key) => ({ format: key.split(':')[0] as string, key, members: {} })),
    );
    const state = userId ? this.gateway.accountState(tenant, userId) : 'UNKNOWN';
    const rule = LIFECYCLE[command];
    if (!rule.from.includes(state))
      return { kind: 'json', status: 409, body: { error: 'incompatible_state', account_state: state.toLowerCase(), sub } };
    const accountId = userId ?? sub;
    const message = this.message(issuer, claims, token, `OP command ${command}`);
    const plans = rule.invalidates
      ? this.gateway.plan(tenant, `op.${command}` as MessageType, accountId, [{ type: 'USER', id: accountId }])
      : [];
    // The kill first: an account suspended but not yet invalidated must never be observable.
    const applied = await this.gateway.applyWith(tenant, message, plans, async () => {
      if (rule.to !== null) await this.ledger.changeAccountState(tenant, accountId, state, rule.to, command, issuer, sub);
    });
    const after = rule.to ?? state;
    const body: Record<string, unknown> = { sub, account_state: after.toLowerCase() };
    if (applied.terminations.length > 0) body[EXTENSION] = terminationSummary(applied.terminations);
    return { kind: 'json', status: 200, body };
  }

  private async metadata(tenant: string, token: string, issuer: string, claims: Record<string, unknown>): Promise<CommandResult> {
    if (!claims.metadata || typeof claims.metadata !== 'object' || Array.isArray(claims.metadata))
      return error(400, 'invalid_request', 'metadata claim is required');
    await this.gateway.apply(tenant, this.message(issuer, claims, token, 'metadata'), [], 'metadata');
    return {
      kind: 'json',
      status: 200,
      body: {
        context: { iss: issuer, tenant: claims.tenant },
        commands_supported: [...TENANT_COMMANDS, ...ACCOUNT_COMMANDS],
        command_endpoint: this.endpoint(tenant),
        client_id: claims.client_id,
      },
    };
  }

  /** A tenant command, one `account-state` event per account, then `command-complete` with the count. */
  async *tenantCommand(
    tenant: string,
    token: string,
    command: TenantCommand,
    claims: Record<string, unknown>,
    issuer: string,
  ): AsyncGenerator<{ event: string; data: Record<string, unknown> }> {
    const accountCommand = command.replace('_tenant', '') as AccountCommand;
    const rule = LIFECYCLE[accountCommand];
    let total = 0;
    const terminations: TerminationRecord[] = [];
    for (const userId of this.gateway.usersOfIssuer(tenant, issuer)) {
      const state = this.gateway.accountState(tenant, userId);
      if (!rule.from.includes(state)) continue;
      const message = { ...this.message(issuer, claims, token, `OP command ${command}`), messageId: `${String(claims.jti)}#${userId}` };
      const plans = rule.invalidates
        ? this.gateway.plan(tenant, `op.${accountCommand}` as MessageType, userId, [{ type: 'USER', id: userId }])
        : [];
      const applied = await this.gateway.applyWith(tenant, message, plans, async () => {
        if (rule.to !== null)
          await this.ledger.changeAccountState(
            tenant,
            userId,
            state,
            rule.to,
            accountCommand,
            issuer,
            this.idpSubjectOf(tenant, issuer, userId),
          );
      });
      terminations.push(...applied.terminations);
      total += 1;
      if (command !== 'delete_tenant')
        yield {
          event: 'account-state',
          data: { sub: this.idpSubjectOf(tenant, issuer, userId), account_state: (rule.to ?? state).toLowerCase() },
        };
    }
    await this.gateway.apply(
      tenant,
      this.message(issuer, claims, token, `OP command ${command}`),
      [],
      `tenant command over ${total} accounts`,
    );
    const complete: Record<string, unknown> = { total_accounts: command === 'delete_tenant' ? 0 : total };
    if (terminations.length > 0) complete[EXTENSION] = terminationSummary(terminations);
    yield { event: 'command-complete', data: complete };
  }

  private idpSubjectOf(tenant: string, issuer: string, userId: string): string {
    return this.gateway.idpSubjectOf(tenant, issuer, userId) ?? userId;
  }
}
