import { createHash } from 'node:crypto';
import type { SubjectRef } from '@killswitch/domain';
import {
  JwtRejected,
  numericDateMs,
  parseSubjectId,
  SubjectIdError,
  unverifiedIssuer,
  verifyJwt,
  type JwtRejection,
  type SubjectId,
} from '@killswitch/protocols';
import { digestOf as digest, type IdpGateway, type TerminationPlan } from '../gateway.ts';
import type { TenantRegistry } from '../registry.ts';
import { EventPayloadInvalid, interpretEvent, type EventAction } from './events.ts';

/** RFC 8935 §2.3 / SSF error codes. */
export type SetErrorCode =
  | 'invalid_request'
  | 'invalid_key'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'authentication_failed'
  | 'access_denied'
  | 'invalid_state'
  /** Not an RFC 8935 SET error: the body of a 503, which a transmitter retries. */
  | 'temporarily_unavailable';

export type SetOutcome =
  | { ok: true; jti: string; applied: number; replayed: boolean; action: EventAction['kind'] }
  | { ok: false; status: 400 | 503; err: SetErrorCode; description: string; jti?: string; retryAfterSeconds?: number };

const JWT_ERRORS: Record<JwtRejection, SetErrorCode> = {
  ERR_JWT_MALFORMED: 'invalid_request',
  ERR_JWT_ALG: 'invalid_key',
  ERR_JWT_UNKNOWN_KEY: 'invalid_key',
  ERR_JWT_SIGNATURE: 'invalid_key',
  ERR_JWKS_UNAVAILABLE: 'invalid_key',
  ERR_JWT_TYP: 'invalid_request',
  ERR_JWT_MISSING_CLAIM: 'invalid_request',
  ERR_JWT_FORBIDDEN_CLAIM: 'invalid_request',
  ERR_JWT_ISSUER: 'invalid_issuer',
  ERR_JWT_SUBJECT: 'invalid_request',
  ERR_JWT_AUDIENCE: 'invalid_audience',
  ERR_JWT_NOT_YET_VALID: 'invalid_request',
  ERR_JWT_EXPIRED: 'invalid_request',
  ERR_JWT_TOO_OLD: 'invalid_request',
  ERR_JWT_FUTURE_IAT: 'invalid_request',
};

const fail = (err: SetErrorCode, description: string): SetOutcome => ({ ok: false, status: 400, err, description });

/**
 * One SET, from push or poll, validated as SSF §5 lists, then applied. Business outcomes
 * (unknown user, nothing to revoke) are accepted: acknowledgements report only SET errors.
 */
export class SetReceiver {
  /** Verification `state` values this receiver asked transmitters for, per tenant and issuer. */
  readonly expectedStates = new Map<string, Set<string>>();

  constructor(
    private readonly registry: TenantRegistry,
    private readonly gateway: IdpGateway,
    private readonly now: () => number,
  ) {}

  audience(tenant: string): string {
    return this.registry.endpointUrl(tenant, 'ssf');
  }

  async receive(tenant: string, token: string): Promise<SetOutcome> {
    const issuer = unverifiedIssuer(token);
    if (issuer === null) return fail('invalid_request', 'body is not a SET');
    const registered = this.registry.idp(tenant, issuer);
    if (!registered) return fail('invalid_issuer', 'issuer is not a transmitter of this receiver');
    const config = this.registry.current;
    let claims: Record<string, unknown>;
    try {
      claims = await verifyJwt(token, registered.trusted, {
        typ: ['secevent+jwt'],
        audience: this.audience(tenant),
        required: ['iss', 'iat', 'jti', 'events', 'sub_id'],
        forbidden: ['sub', 'exp'],
        clockSkewSeconds: config.clockSkewSeconds,
        maxAgeSeconds: config.maxMessageAgeSeconds,
        now: this.now,
      });
    } catch (error) {
      if (!(error instanceof JwtRejected)) throw error;
      // Our side or the IdP's infrastructure failed, not the SET: a final 400 would lose it.
      if (error.retryable)
        return {
          ok: false,
          status: 503,
          err: 'temporarily_unavailable',
          description: error.message,
          retryAfterSeconds: error.retryAfterSeconds,
        };
      return fail(JWT_ERRORS[error.code], error.message);
    }
    const jti = claims.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) return fail('invalid_request', 'jti must be a string');
    const parsed = this.parseBody(claims);
    if ('err' in parsed) return { ...parsed, jti };
    const message = { protocol: 'ssf' as const, issuer, messageId: jti };
    if (this.gateway.isReplay(tenant, message)) return { ok: true, jti, applied: 0, replayed: true, action: parsed.action.kind };
    return this.apply(tenant, token, issuer, jti, parsed, registered.idp.idpTenant);
  }

  private parseBody(
    claims: Record<string, unknown>,
  ): { uri: string; action: EventAction; subject: SubjectId; eventTime: number | null } | (SetOutcome & { ok: false }) {
    const events = claims.events;
    if (!events || typeof events !== 'object' || Array.isArray(events))
      return { ok: false, status: 400, err: 'invalid_request', description: 'events must be an object' };
    const entries = Object.entries(events as Record<string, unknown>);
    // CAEP interoperability profile: exactly one event per SET.
    if (entries.length !== 1) return { ok: false, status: 400, err: 'invalid_request', description: 'a SET must carry exactly one event' };
    const [uri, payload] = entries[0] as [string, Record<string, unknown>];
    try {
      const subject = parseSubjectId(claims.sub_id);
      const action = interpretEvent(uri, payload);
      // The source's own time for the event (CAEP event_timestamp, else SSF toe): a NumericDate.
      const stamp = payload.event_timestamp ?? claims.toe;
      const eventTime = stamp === undefined ? null : numericDateMs(stamp);
      if (eventTime === undefined) throw new EventPayloadInvalid('event_timestamp and toe must be NumericDates');
      return { uri, action, subject, eventTime };
    } catch (error) {
      if (error instanceof SubjectIdError || error instanceof EventPayloadInvalid)
        return { ok: false, status: 400, err: 'invalid_request', description: error.message };
      throw error;
    }
  }

  private async apply(
    tenant: string,
    token: string,
    issuer: string,
    jti: string,
    parsed: { uri: string; action: EventAction; subject: SubjectId; eventTime: number | null },
    idpTenant: string | undefined,
  ): Promise<SetOutcome> {
    const { action, subject } = parsed;
    const base = { protocol: 'ssf' as const, issuer, messageId: jti, raw: token, idpEventTime: parsed.eventTime };
    if (action.kind === 'verification') {
      const expected = this.expectedStates.get(`${tenant} ${issuer}`);
      if (action.state !== undefined && expected && !expected.has(action.state))
        return fail('invalid_state', 'verification state does not match the request');
      expected?.delete(action.state ?? '');
      await this.gateway.record(
        this.gateway.callerFor(tenant, base),
        { ...base, messageType: 'ssf.verification', reason: 'verification' },
        digest(token),
        'verified',
      );
      return { ok: true, jti, applied: 0, replayed: false, action: action.kind };
    }
    if (action.kind === 'stream-updated') {
      await this.gateway.record(
        this.gateway.callerFor(tenant, base),
        { ...base, messageType: 'ssf.stream-updated', reason: action.status },
        digest(token),
        `stream ${action.status}`,
      );
      return { ok: true, jti, applied: 0, replayed: false, action: action.kind };
    }
    const message = { ...base, messageType: action.messageType, reason: action.reason };
    const plans = action.kind === 'terminate' ? this.plansFor(tenant, issuer, subject, action.messageType, idpTenant) : null;
    const outcome = plans === null ? (action.kind === 'ignore' ? 'ignored' : 'no-subject') : undefined;
    const applied = await this.gateway.apply(tenant, message, plans ?? [], outcome);
    return { ok: true, jti, applied: applied.terminations.length, replayed: applied.replayed, action: action.kind };
  }

  /** Subjects to terminations (specs/README.md table), within this tenant only; null when nothing matches. */
  private plansFor(
    tenant: string,
    issuer: string,
    subject: SubjectId,
    type: Parameters<IdpGateway['plan']>[1],
    idpTenant: string | undefined,
  ): TerminationPlan[] | null {
    const g = this.gateway;
    const tenantMember = g.subjectOf(subject, 'tenant');
    // A complex subject naming another IdP tenant is not about this tenant's users.
    if (tenantMember.length > 0 && idpTenant !== undefined && !tenantMember.some((t) => t.members.id === idpTenant)) return null;
    const userId = g.resolveUser(tenant, g.subjectOf(subject, 'user'));
    const sessionSubjects = g.subjectOf(subject, 'session');
    const sessionIds = sessionSubjects.map((s) => s.members.id ?? s.members.uri ?? '').filter(Boolean);
    const deviceSubjects = g.subjectOf(subject, 'device');
    let targets: SubjectRef[];
    let owner = userId;
    // A session or device member narrows the event: when it matches nothing, nothing is ended.
    if (sessionSubjects.length > 0) {
      const sessions = sessionIds.flatMap((sid) => g.sessionsOfIdpSession(tenant, issuer, sid, userId));
      owner ??= sessions.length > 0 ? this.ownerOf(tenant, sessions[0] as string) : null;
      targets = sessions.map((id) => ({ type: 'SESSION', id }));
    } else if (deviceSubjects.length > 0) {
      // A device member narrows the event to that device: never widen it to the whole user.
      const devices = g.resolveDevices(tenant, deviceSubjects).filter((d) => owner === null || g.deviceOwner(tenant, d) === owner);
      owner ??= devices.length > 0 ? g.deviceOwner(tenant, devices[0] as string) : null;
      if (!owner) return null;
      const user = owner;
      targets =
        type === 'caep.device-compliance-change'
          ? devices.map((id) => ({ type: 'DEVICE', id }))
          : devices.flatMap((d) => g.liveSessionsOnDevice(tenant, user, d)).map((id) => ({ type: 'SESSION', id }));
    } else if (owner) {
      targets = [{ type: 'USER', id: owner }];
    } else {
      return null;
    }
    if (!owner || targets.length === 0) return null;
    return g.plan(tenant, type, owner, targets);
  }

  private ownerOf(tenant: string, sessionId: string): string | null {
    return this.gateway.sessionOwner(tenant, sessionId);
  }

  private readonly pushAuthorizations = new Map<string, string>();

  /** A push credential handed to a transmitter through stream management (kept in memory only). */
  acceptPushAuthorization(tenant: string, issuer: string, authorization: string): void {
    this.pushAuthorizations.set(`${tenant} ${issuer}`, createHash('sha256').update(authorization).digest('hex'));
  }

  /** SHA-256 (hex) of the push credential handed out for this tenant and issuer. */
  pushAuthorizationOf(tenant: string, issuer: string): string | undefined {
    return this.pushAuthorizations.get(`${tenant} ${issuer}`);
  }

  expectState(tenant: string, issuer: string, state: string): void {
    const key = `${tenant} ${issuer}`;
    const states = this.expectedStates.get(key) ?? new Set<string>();
    states.add(state);
    this.expectedStates.set(key, states);
  }
}
