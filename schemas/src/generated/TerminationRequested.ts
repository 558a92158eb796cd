// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type TerminationRequested = KillswitchEvents.TerminationRequested;

export namespace KillswitchEvents {
    export const TerminationScopeSchema = "{\"type\":\"enum\",\"name\":\"TerminationScope\",\"symbols\":[\"SESSION_INVALIDATION\",\"SESSION_SCOPED_REVOCATION\",\"GLOBAL_REVOCATION\",\"TOKEN_REVOCATION\"]}";
    export const TerminationScopeName = "killswitch.events.TerminationScope";
    export type TerminationScope = "SESSION_INVALIDATION" | "SESSION_SCOPED_REVOCATION" | "GLOBAL_REVOCATION" | "TOKEN_REVOCATION";
    export const SubjectTypeSchema = "{\"type\":\"enum\",\"name\":\"SubjectType\",\"symbols\":[\"USER\",\"SESSION\",\"DEVICE\",\"AGENT\",\"GRANT\",\"TOKEN\"]}";
    export const SubjectTypeName = "killswitch.events.SubjectType";
    export type SubjectType = "USER" | "SESSION" | "DEVICE" | "AGENT" | "GRANT" | "TOKEN";
    export const SubjectRefSchema = "{\"type\":\"record\",\"name\":\"SubjectRef\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"SubjectType\",\"symbols\":[\"USER\",\"SESSION\",\"DEVICE\",\"AGENT\",\"GRANT\",\"TOKEN\"]}},{\"name\":\"id\",\"type\":\"string\"}]}";
    export const SubjectRefName = "killswitch.events.SubjectRef";
    export interface SubjectRef {
        type: KillswitchEvents.SubjectType;
        id: string;
    }
    export const TerminationSourceSchema = "{\"type\":\"enum\",\"name\":\"TerminationSource\",\"symbols\":[\"API\",\"USER\",\"SSF\",\"OP_COMMANDS\",\"GLOBAL_TOKEN_REVOCATION\",\"BACKCHANNEL_LOGOUT\",\"RFC7009\"]}";
    export const TerminationSourceName = "killswitch.events.TerminationSource";
    export type TerminationSource = "API" | "USER" | "SSF" | "OP_COMMANDS" | "GLOBAL_TOKEN_REVOCATION" | "BACKCHANNEL_LOGOUT" | "RFC7009";
    export const IpsieLevelSchema = "{\"type\":\"enum\",\"name\":\"IpsieLevel\",\"symbols\":[\"SL2\",\"SL3\"]}";
    export const IpsieLevelName = "killswitch.events.IpsieLevel";
    export type IpsieLevel = "SL2" | "SL3";
    export const TerminationRequestedSchema = "{\"type\":\"record\",\"name\":\"TerminationRequested\",\"namespace\":\"killswitch.events\",\"doc\":\"Someone (an IdP, a SOC analyst, the user) asked for access to end. Carries who, why and the raw message's digest.\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"scope\",\"type\":{\"type\":\"enum\",\"name\":\"TerminationScope\",\"symbols\":[\"SESSION_INVALIDATION\",\"SESSION_SCOPED_REVOCATION\",\"GLOBAL_REVOCATION\",\"TOKEN_REVOCATION\"]}},{\"name\":\"target\",\"type\":{\"type\":\"record\",\"name\":\"SubjectRef\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"SubjectType\",\"symbols\":[\"USER\",\"SESSION\",\"DEVICE\",\"AGENT\",\"GRANT\",\"TOKEN\"]}},{\"name\":\"id\",\"type\":\"string\"}]}},{\"name\":\"userId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"reason\",\"type\":\"string\"},{\"name\":\"source\",\"type\":{\"type\":\"enum\",\"name\":\"TerminationSource\",\"symbols\":[\"API\",\"USER\",\"SSF\",\"OP_COMMANDS\",\"GLOBAL_TOKEN_REVOCATION\",\"BACKCHANNEL_LOGOUT\",\"RFC7009\"]}},{\"name\":\"issuer\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"messageId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"messageDigest\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"SHA-256 (base64url) of the raw incoming message.\"},{\"name\":\"idpEventTime\",\"type\":[\"null\",\"long\"],\"default\":null},{\"name\":\"ipsieLevel\",\"type\":{\"type\":\"enum\",\"name\":\"IpsieLevel\",\"symbols\":[\"SL2\",\"SL3\"]},\"default\":\"SL2\"},{\"name\":\"revokeOnlineGrants\",\"type\":\"boolean\",\"default\":false,\"doc\":\"Session Invalidation from back-channel logout also revokes the session's non-offline refresh tokens.\"},{\"name\":\"requestedAt\",\"type\":\"long\"}]}";
    export const TerminationRequestedName = "killswitch.events.TerminationRequested";
    /**
     * Someone (an IdP, a SOC analyst, the user) asked for access to end. Carries who, why and the raw message's digest.
     */
    export interface TerminationRequested {
        terminationId: string;
        scope: KillswitchEvents.TerminationScope;
        target: KillswitchEvents.SubjectRef;
        /**
         * Default: null
         */
        userId: null | string;
        reason: string;
        source: KillswitchEvents.TerminationSource;
        /**
         * Default: null
         */
        issuer: null | string;
        /**
         * Default: null
         */
        messageId: null | string;
        /**
         * SHA-256 (base64url) of the raw incoming message.
         *
         * Default: null
         */
        messageDigest: null | string;
        /**
         * Default: null
         */
        idpEventTime: null | number;
        /**
         * Default: "SL2"
         */
        ipsieLevel: KillswitchEvents.IpsieLevel;
        /**
         * Session Invalidation from back-channel logout also revokes the session's non-offline refresh tokens.
         *
         * Default: false
         */
        revokeOnlineGrants: boolean;
        requestedAt: number;
    }
}

