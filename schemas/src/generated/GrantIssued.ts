// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type GrantIssued = KillswitchEvents.GrantIssued;

export namespace KillswitchEvents {
    export const LineageSchema = "{\"type\":\"record\",\"name\":\"Lineage\",\"doc\":\"Fixed when the node is created: every ancestor a revocation check must look at.\",\"fields\":[{\"name\":\"sessions\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"agents\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"grants\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"deviceId\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    export const LineageName = "killswitch.events.Lineage";
    /**
     * Fixed when the node is created: every ancestor a revocation check must look at.
     */
    export interface Lineage {
        /**
         * Default: []
         */
        sessions: string[];
        /**
         * Default: []
         */
        agents: string[];
        /**
         * Default: []
         */
        grants: string[];
        /**
         * Default: null
         */
        deviceId: null | string;
    }
    export const GrantIssuedSchema = "{\"type\":\"record\",\"name\":\"GrantIssued\",\"namespace\":\"killswitch.events\",\"doc\":\"An OAuth grant (a refresh-token family) was issued, from a session or to an agent.\",\"fields\":[{\"name\":\"grantId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"sessionId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"agentId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"clientId\",\"type\":\"string\"},{\"name\":\"offlineAccess\",\"type\":\"boolean\",\"default\":false},{\"name\":\"scope\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"issuedAt\",\"type\":\"long\"},{\"name\":\"expiresAt\",\"type\":[\"null\",\"long\"],\"default\":null},{\"name\":\"lineage\",\"type\":{\"type\":\"record\",\"name\":\"Lineage\",\"doc\":\"Fixed when the node is created: every ancestor a revocation check must look at.\",\"fields\":[{\"name\":\"sessions\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"agents\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"grants\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"deviceId\",\"type\":[\"null\",\"string\"],\"default\":null}]}}]}";
    export const GrantIssuedName = "killswitch.events.GrantIssued";
    /**
     * An OAuth grant (a refresh-token family) was issued, from a session or to an agent.
     */
    export interface GrantIssued {
        grantId: string;
        userId: string;
        /**
         * Default: null
         */
        sessionId: null | string;
        /**
         * Default: null
         */
        agentId: null | string;
        clientId: string;
        /**
         * Default: false
         */
        offlineAccess: boolean;
        /**
         * Default: null
         */
        scope: null | string;
        issuedAt: number;
        /**
         * Default: null
         */
        expiresAt: null | number;
        lineage: KillswitchEvents.Lineage;
    }
}

