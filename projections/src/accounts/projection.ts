import type { RecordedEvent } from '@killswitch/event-store';
import { canonical, tenantState, type Projection } from '../projection.ts';

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
  /** Message ids (`<protocol> <iss> <jti>`) already processed, with their outcome. */
  readonly messages: Map<string, { outcome: string; terminationIds: readonly string[] }>;
}

export interface AccountsState {
  readonly tenants: Map<string, TenantAccounts>;
}

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
  initialState: () => ({ tenants: new Map() }),
  // Plain maps, arrays and records: the structured clone is the state.
  revive: (data) => data as AccountsState,
  evolve(state, recorded) {
    apply(tenantState(state.tenants, recorded.metadata.tenant, create), recorded);
    return state;
  },
  snapshot: (state) => canonical(state.tenants),
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
