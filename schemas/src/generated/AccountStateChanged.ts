// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type AccountStateChanged = KillswitchEvents.AccountStateChanged;

export namespace KillswitchEvents {
    export const AccountStateSchema = "{\"type\":\"enum\",\"name\":\"AccountState\",\"symbols\":[\"UNKNOWN\",\"ACTIVE\",\"SUSPENDED\",\"ARCHIVED\"]}";
    export const AccountStateName = "killswitch.events.AccountState";
    export type AccountState = "UNKNOWN" | "ACTIVE" | "SUSPENDED" | "ARCHIVED";
    export const AccountStateChangedSchema = "{\"type\":\"record\",\"name\":\"AccountStateChanged\",\"namespace\":\"killswitch.events\",\"doc\":\"An OpenID Provider Command moved an account through its lifecycle (unknown, active, suspended, archived).\",\"fields\":[{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"previousState\",\"type\":{\"type\":\"enum\",\"name\":\"AccountState\",\"symbols\":[\"UNKNOWN\",\"ACTIVE\",\"SUSPENDED\",\"ARCHIVED\"]}},{\"name\":\"state\",\"type\":\"AccountState\"},{\"name\":\"command\",\"type\":\"string\"},{\"name\":\"issuer\",\"type\":\"string\"},{\"name\":\"idpSubject\",\"type\":\"string\"},{\"name\":\"changedAt\",\"type\":\"long\"}]}";
    export const AccountStateChangedName = "killswitch.events.AccountStateChanged";
    /**
     * An OpenID Provider Command moved an account through its lifecycle (unknown, active, suspended, archived).
     */
    export interface AccountStateChanged {
        userId: string;
        previousState: KillswitchEvents.AccountState;
        state: KillswitchEvents.AccountState;
        command: string;
        issuer: string;
        idpSubject: string;
        changedAt: number;
    }
}

