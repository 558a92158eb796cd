// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type SubjectRevoked = KillswitchEvents.SubjectRevoked;

export namespace KillswitchEvents {
    export const SubjectTypeSchema = "{\"type\":\"enum\",\"name\":\"SubjectType\",\"symbols\":[\"USER\",\"SESSION\",\"DEVICE\",\"AGENT\",\"GRANT\",\"TOKEN\"]}";
    export const SubjectTypeName = "killswitch.events.SubjectType";
    export type SubjectType = "USER" | "SESSION" | "DEVICE" | "AGENT" | "GRANT" | "TOKEN";
    export const SubjectRefSchema = "{\"type\":\"record\",\"name\":\"SubjectRef\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"SubjectType\",\"symbols\":[\"USER\",\"SESSION\",\"DEVICE\",\"AGENT\",\"GRANT\",\"TOKEN\"]}},{\"name\":\"id\",\"type\":\"string\"}]}";
    export const SubjectRefName = "killswitch.events.SubjectRef";
    export interface SubjectRef {
        type: KillswitchEvents.SubjectType;
        id: string;
    }
    export const RevocationEffectSchema = "{\"type\":\"enum\",\"name\":\"RevocationEffect\",\"symbols\":[\"NOT_BEFORE\",\"INVALIDATED\",\"REVOKED\"]}";
    export const RevocationEffectName = "killswitch.events.RevocationEffect";
    export type RevocationEffect = "NOT_BEFORE" | "INVALIDATED" | "REVOKED";
    export const SubjectRevokedSchema = "{\"type\":\"record\",\"name\":\"SubjectRevoked\",\"namespace\":\"killswitch.events\",\"doc\":\"One node of the graph was ended by a termination. Descendants are covered through their fixed lineage.\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"subject\",\"type\":{\"type\":\"record\",\"name\":\"SubjectRef\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"SubjectType\",\"symbols\":[\"USER\",\"SESSION\",\"DEVICE\",\"AGENT\",\"GRANT\",\"TOKEN\"]}},{\"name\":\"id\",\"type\":\"string\"}]}},{\"name\":\"effect\",\"type\":{\"type\":\"enum\",\"name\":\"RevocationEffect\",\"symbols\":[\"NOT_BEFORE\",\"INVALIDATED\",\"REVOKED\"]}},{\"name\":\"notBefore\",\"type\":[\"null\",\"long\"],\"default\":null,\"doc\":\"For NOT_BEFORE: every session and token of the user issued at or before this instant is revoked.\"},{\"name\":\"previousNotBefore\",\"type\":[\"null\",\"long\"],\"default\":null,\"doc\":\"For NOT_BEFORE: the cut-off this one replaced, so the receipt can tell what was already revoked.\"},{\"name\":\"expiresAt\",\"type\":[\"null\",\"long\"],\"default\":null,\"doc\":\"When the subject would have died anyway; the index may drop it after.\"},{\"name\":\"at\",\"type\":\"long\"}]}";
    export const SubjectRevokedName = "killswitch.events.SubjectRevoked";
    /**
     * One node of the graph was ended by a termination. Descendants are covered through their fixed lineage.
     */
    export interface SubjectRevoked {
        terminationId: string;
        userId: string;
        subject: KillswitchEvents.SubjectRef;
        effect: KillswitchEvents.RevocationEffect;
        /**
         * For NOT_BEFORE: every session and token of the user issued at or before this instant is revoked.
         *
         * Default: null
         */
        notBefore: null | number;
        /**
         * For NOT_BEFORE: the cut-off this one replaced, so the receipt can tell what was already revoked.
         *
         * Default: null
         */
        previousNotBefore: null | number;
        /**
         * When the subject would have died anyway; the index may drop it after.
         *
         * Default: null
         */
        expiresAt: null | number;
        at: number;
    }
}

