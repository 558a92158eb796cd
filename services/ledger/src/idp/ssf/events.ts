import type { MessageType } from '@killswitch/protocols';

export const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
export const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
export const SSF = 'https://schemas.openid.net/secevent/ssf/event-type/';

export class EventPayloadInvalid extends Error {
  readonly type = 'EventPayloadInvalid' as const;
}

type Payload = Record<string, unknown>;
const CREDENTIAL_TYPES = [
  'password',
  'pin',
  'x509',
  'fido2-platform',
  'fido2-roaming',
  'fido-u2f',
  'verifiable-credential',
  'phone-voice',
  'phone-sms',
  'app',
];

function requireMember(payload: Payload, name: string, allowed?: readonly string[], open = false): string {
  const value = payload[name];
  if (typeof value !== 'string' || value.length === 0) throw new EventPayloadInvalid(`${name} is required`);
  if (allowed && !open && !allowed.includes(value)) throw new EventPayloadInvalid(`${name} has an unknown value`);
  return value;
}

function optionalEnum(payload: Payload, name: string, allowed: readonly string[]): string | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value)) throw new EventPayloadInvalid(`${name} has an unknown value`);
  return value;
}

/** What the receiver does with a known event, once its payload is valid. */
export type EventAction =
  | { kind: 'terminate'; messageType: MessageType; reason: string }
  | { kind: 'ignore'; messageType: MessageType | 'unknown'; reason: string }
  | { kind: 'verification'; state: string | undefined }
  | { kind: 'stream-updated'; status: string };

/** Validates the event payload against its type's definition (CAEP 1.0, RISC 1.0, SSF 1.0). */
export function interpretEvent(uri: string, payload: Payload): EventAction {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new EventPayloadInvalid('event payload must be an object');
  optionalEnum(payload, 'initiating_entity', ['admin', 'user', 'policy', 'system']);
  if (payload.event_timestamp !== undefined && typeof payload.event_timestamp !== 'number')
    throw new EventPayloadInvalid('event_timestamp must be a NumericDate');
  const reason = reasonOf(payload);
  switch (uri) {
    case `${CAEP}session-revoked`:
      return { kind: 'terminate', messageType: 'caep.session-revoked', reason: reason ?? 'CAEP session-revoked' };
    case `${CAEP}credential-change`: {
      requireMember(payload, 'credential_type', CREDENTIAL_TYPES, true);
      const change = requireMember(payload, 'change_type', ['create', 'revoke', 'update', 'delete']);
      return change === 'revoke' || change === 'delete'
        ? { kind: 'terminate', messageType: 'caep.credential-change', reason: reason ?? `credential ${change}` }
        : { kind: 'ignore', messageType: 'caep.credential-change', reason: `credential ${change}` };
    }
    case `${CAEP}assurance-level-change`: {
      requireMember(payload, 'namespace');
      requireMember(payload, 'current_level');
      const direction = optionalEnum(payload, 'change_direction', ['increase', 'decrease']);
      return direction === 'decrease'
        ? { kind: 'terminate', messageType: 'caep.assurance-level-change', reason: reason ?? 'assurance level decreased' }
        : { kind: 'ignore', messageType: 'caep.assurance-level-change', reason: 'assurance level not decreased' };
    }
    case `${CAEP}device-compliance-change`: {
      requireMember(payload, 'previous_status', ['compliant', 'not-compliant']);
      const current = requireMember(payload, 'current_status', ['compliant', 'not-compliant']);
      return current === 'not-compliant'
        ? { kind: 'terminate', messageType: 'caep.device-compliance-change', reason: reason ?? 'device not compliant' }
        : { kind: 'ignore', messageType: 'caep.device-compliance-change', reason: 'device compliant' };
    }
    case `${CAEP}token-claims-change`:
      if (!payload.claims || typeof payload.claims !== 'object') throw new EventPayloadInvalid('claims is required');
      return { kind: 'terminate', messageType: 'caep.token-claims-change', reason: reason ?? 'token claims changed' };
    case `${CAEP}risk-level-change`:
      requireMember(payload, 'principal');
      requireMember(payload, 'current_level', ['LOW', 'MEDIUM', 'HIGH']);
      return { kind: 'terminate', messageType: 'caep.risk-level-change', reason: reason ?? 'risk level changed' };
    case `${CAEP}session-established`:
    case `${CAEP}session-presented`:
      return {
        kind: 'terminate',
        messageType: uri.endsWith('established') ? 'caep.session-established' : 'caep.session-presented',
        reason: 'informational',
      };
    case `${RISC}account-disabled`:
      optionalEnum(payload, 'reason', ['hijacking', 'bulk-account']);
      return {
        kind: 'terminate',
        messageType: 'risc.account-disabled',
        reason: reason ?? `account disabled${payload.reason ? ` (${String(payload.reason)})` : ''}`,
      };
    case `${RISC}account-purged`:
      return { kind: 'terminate', messageType: 'risc.account-purged', reason: reason ?? 'account purged' };
    case `${RISC}credential-compromise`:
      requireMember(payload, 'credential_type', CREDENTIAL_TYPES, true);
      return { kind: 'terminate', messageType: 'risc.credential-compromise', reason: reason ?? 'credential compromise' };
    case `${RISC}sessions-revoked`:
      return { kind: 'terminate', messageType: 'risc.sessions-revoked', reason: reason ?? 'RISC sessions-revoked' };
    case `${SSF}verification`:
      if (payload.state !== undefined && typeof payload.state !== 'string') throw new EventPayloadInvalid('state must be a string');
      return { kind: 'verification', state: payload.state as string | undefined };
    case `${SSF}stream-updated`:
      return { kind: 'stream-updated', status: requireMember(payload, 'status', ['enabled', 'paused', 'disabled']) };
    default:
      // SSF §5 step 8: ignore (but acknowledge) event types not requested or not understood.
      return { kind: 'ignore', messageType: 'unknown', reason: 'event type not understood' };
  }
}

function reasonOf(payload: Payload): string | undefined {
  const admin = payload.reason_admin;
  if (admin && typeof admin === 'object') {
    const text = Object.values(admin as Record<string, unknown>).find((v) => typeof v === 'string');
    if (typeof text === 'string') return text.slice(0, 500);
  }
  return undefined;
}
