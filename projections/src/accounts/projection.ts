import type { RecordedEvent } from '@killswitch/event-store';
import { clockBucket, ExpiryQueue } from '../hot/expiry-queue.ts';
import { canonical, reviveInstance, tenantState, type Projection } from '../projection.ts';

export type AccountState = 'UNKNOWN' | 'ACTIVE' | 'SUSPENDED' | 'ARCHIVED';

/** One tenant's view of who is who: how IdPs name users and sessions, and account lifecycle. */
export interface TenantAccounts {
  /** Canonical identifier key (`email:…`, `iss_sub:<iss> <sub>`, `opaque:…`) → user id. */
  readonly identifiers: Map<string, string>;
  /** `<iss> <user id>` → the user's `sub` at that IdP (the reverse of the `iss_sub` identifiers). */
  readonly idpSubjects: Map<string, string>;
  /** Canonical identifier key under which an IdP names a device (`opaque:…`, `uri:…`) → the RP's device id. */
  readonly deviceIdentifiers: Map<string, string>;
  /** `<iss> <idp sid>` → RP session ids derived from that IdP session. */
  readonly idpSessions: Map<string, Set<string>>;
  /** Account lifecycle set by OP Commands; users seen only through sessions are ACTIVE. */
  readonly states: Map<string, AccountState>;
  /** Users with `<issuer> <idp tenant>`-scoped accounts (OP tenant commands). */
  readonly issuerAccounts: Map<string, Set<string>>;
  /** Refresh tokens exchanged for newer ones: presenting one again is reuse. */
  readonly rotated: Map<string, { userId: string; grantId: string | null }>;
  /**
   * Message ids (`<protocol> <iss> <jti>`) processed within the replay window, with their outcome.
   * Older ones are on disk (`idp_messages`): a message that old fails its age check anyway, and
   * the event store refuses to record a message twice.
   */
  readonly messages: Map<string, { outcome: string; terminationIds: readonly string[] }>;
}

export interface AccountsState {
  readonly tenants: Map<string, TenantAccounts>;
  /** Message keys (`tenant\0key`) by the minute their replay window closes. */
  readonly messageExpiries: ExpiryQueue<string>;
  /** Recorded time of the latest event: the projection's own clock. */
  clock: number;
}

/**
 * How long a processed message stays in memory: the longest age an IdP message may have
 * (`maxMessageAgeSeconds` ≤ 24 h) plus clock skew both ways (≤ 10 min each), rounded up.
 */
export const MESSAGE_REPLAY_WINDOW_MS = 25 * 3_600_000;

const create = (): TenantAccounts => ({
  identifiers: new Map(),
  idpSubjects: new Map(),
  deviceIdentifiers: new Map(),
  idpSessions: new Map(),
  states: new Map(),
  issuerAccounts: new Map(),
  rotated: new Map(),
  messages: new Map(),
});

export const messageKey = (protocol: string, issuer: string, messageId: string) => `${protocol} ${issuer} ${messageId}`;

export const accounts: Projection<AccountsState> = {
  name: 'accounts',
  initialState: () => ({ tenants: new Map(), messageExpiries: new ExpiryQueue<string>(), clock: 0 }),
  revive(data) {
    const state = data as AccountsState;
    return { tenants: state.tenants, messageExpiries: reviveInstance(ExpiryQueue<string>, state.messageExpiries), clock: state.clock };
  },
  evolve(state, recorded) {
    state.clock = Math.max(state.clock, recorded.recordedAt);
    const accounts = tenantState(state.tenants, recorded.metadata.tenant, create);
    apply(accounts, recorded);
    if (recorded.event.type === 'IdpMessageReceived') {
      const d = recorded.event.data;
      const key = messageKey(d.protocol, d.issuer, d.messageId);
      state.messageExpiries.add(clockBucket(recorded.recordedAt + MESSAGE_REPLAY_WINDOW_MS) + 1, `${recorded.metadata.tenant}\u0000${key}`);
    }
    for (const expired of state.messageExpiries.popBefore(clockBucket(state.clock))) {
      const [tenant, key] = expired.split('\u0000') as [string, string];
      state.tenants.get(tenant)?.messages.delete(key);
    }
    return state;
  },
  snapshot: (state) => canonical({ tenants: state.tenants, clock: state.clock }),
};

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function linkIssSub(accounts: TenantAccounts, issuer: string, subject: string, userId: string): void {
  accounts.identifiers.set(`iss_sub:${issuer} ${subject}`, userId);
  accounts.idpSubjects.set(`${issuer} ${userId}`, subject);
}

/**
 * The keys a device id recorded at login is looked up by: the IdP may name the device as an
 * opaque id, or, when the id is a URI or a DID, in that format (RFC 9493 §3.2).
 */
export function idpDeviceKeys(idpDeviceId: string): string[] {
  const keys = [`opaque:${idpDeviceId}`];
  if (/^did:/i.test(idpDeviceId)) keys.push(`did:${idpDeviceId}`);
  else if (/^[a-z][a-z0-9+.-]*:/i.test(idpDeviceId)) keys.push(`uri:${idpDeviceId}`);
  return keys;
}

function apply(accounts: TenantAccounts, { event }: RecordedEvent): void {
  switch (event.type) {
    case 'SessionStarted': {
      const d = event.data;
      accounts.identifiers.set(`opaque:${d.userId}`, d.userId);
      if (!accounts.states.has(d.userId)) accounts.states.set(d.userId, 'ACTIVE');
      if (d.idpIssuer && d.idpSubject) {
        linkIssSub(accounts, d.idpIssuer, d.idpSubject, d.userId);
        addTo(accounts.issuerAccounts, d.idpIssuer, d.userId);
      }
      if (d.idpIssuer && d.idpSid) addTo(accounts.idpSessions, `${d.idpIssuer} ${d.idpSid}`, d.sessionId);
      if (d.idpDeviceId && d.deviceId) for (const key of idpDeviceKeys(d.idpDeviceId)) accounts.deviceIdentifiers.set(key, d.deviceId);
      return;
    }
    case 'DeviceIdentityLinked':
      for (const key of event.data.identifiers) accounts.deviceIdentifiers.set(key, event.data.deviceId);
      return;
    case 'UserIdentityLinked':
      for (const key of event.data.identifiers) {
        accounts.identifiers.set(key, event.data.userId);
        const issSub = /^iss_sub:(\S+) (.+)$/.exec(key);
        if (issSub) {
          accounts.idpSubjects.set(`${issSub[1]} ${event.data.userId}`, issSub[2] as string);
          addTo(accounts.issuerAccounts, issSub[1] as string, event.data.userId); // an account of that IdP, sessions or not
        }
      }
      accounts.identifiers.set(`opaque:${event.data.userId}`, event.data.userId);
      if (!accounts.states.has(event.data.userId)) accounts.states.set(event.data.userId, 'ACTIVE');
      return;
    case 'AccountStateChanged': {
      const d = event.data;
      accounts.states.set(d.userId, d.state);
      linkIssSub(accounts, d.issuer, d.idpSubject, d.userId);
      accounts.identifiers.set(`opaque:${d.userId}`, d.userId);
      if (d.state === 'UNKNOWN') accounts.issuerAccounts.get(d.issuer)?.delete(d.userId);
      else addTo(accounts.issuerAccounts, d.issuer, d.userId);
      return;
    }
    case 'RefreshTokenRotated':
      accounts.rotated.set(event.data.tokenId, { userId: event.data.userId, grantId: event.data.grantId });
      return;
    case 'IdpMessageReceived': {
      const d = event.data;
      accounts.messages.set(messageKey(d.protocol, d.issuer, d.messageId), { outcome: d.outcome, terminationIds: d.terminationIds });
      return;
    }
    default:
      return;
  }
}
