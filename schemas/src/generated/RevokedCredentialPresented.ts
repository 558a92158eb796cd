// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type RevokedCredentialPresented = KillswitchEvents.RevokedCredentialPresented;

export namespace KillswitchEvents {
    export const PresentedCredentialTypeSchema = "{\"type\":\"enum\",\"name\":\"PresentedCredentialType\",\"symbols\":[\"TOKEN\",\"SESSION\",\"CLAIMS\"]}";
    export const PresentedCredentialTypeName = "killswitch.events.PresentedCredentialType";
    export type PresentedCredentialType = "TOKEN" | "SESSION" | "CLAIMS";
    export const RevokedCredentialPresentedSchema = "{\"type\":\"record\",\"name\":\"RevokedCredentialPresented\",\"namespace\":\"killswitch.events\",\"doc\":\"A credential that a termination had ended was presented again and refused: the same compromise still going. Coalesced per credential, per source and per minute; never the credential itself.\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\",\"doc\":\"The termination that ended it.\"},{\"name\":\"userId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"credentialType\",\"type\":{\"type\":\"enum\",\"name\":\"PresentedCredentialType\",\"symbols\":[\"TOKEN\",\"SESSION\",\"CLAIMS\"]},\"doc\":\"TOKEN: by token id (jti or reference); SESSION: a session cookie; CLAIMS: a JWT named by its claims.\"},{\"name\":\"credentialId\",\"type\":\"string\",\"doc\":\"The token id, the session id, or for CLAIMS the jti (else the sid or agent_id) the JWT carried: an identifier, never the token.\"},{\"name\":\"source\",\"type\":\"string\",\"doc\":\"Who refused it: `ledger` (check, introspect) or the enforcer's id.\"},{\"name\":\"channel\",\"type\":\"string\",\"doc\":\"check | introspect | enforcer\"},{\"name\":\"count\",\"type\":\"long\"},{\"name\":\"firstAt\",\"type\":\"long\"},{\"name\":\"lastAt\",\"type\":\"long\"},{\"name\":\"ip\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"userAgent\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    export const RevokedCredentialPresentedName = "killswitch.events.RevokedCredentialPresented";
    /**
     * A credential that a termination had ended was presented again and refused: the same compromise still going. Coalesced per credential, per source and per minute; never the credential itself.
     */
    export interface RevokedCredentialPresented {
        /**
         * The termination that ended it.
         */
        terminationId: string;
        /**
         * Default: null
         */
        userId: null | string;
        /**
         * TOKEN: by token id (jti or reference); SESSION: a session cookie; CLAIMS: a JWT named by its claims.
         */
        credentialType: KillswitchEvents.PresentedCredentialType;
        /**
         * The token id, the session id, or for CLAIMS the jti (else the sid or agent_id) the JWT carried: an identifier, never the token.
         */
        credentialId: string;
        /**
         * Who refused it: `ledger` (check, introspect) or the enforcer's id.
         */
        source: string;
        /**
         * check | introspect | enforcer
         */
        channel: string;
        count: number;
        firstAt: number;
        lastAt: number;
        /**
         * Default: null
         */
        ip: null | string;
        /**
         * Default: null
         */
        userAgent: null | string;
    }
}

