// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type SessionStarted = KillswitchEvents.SessionStarted;

export namespace KillswitchEvents {
    export const SessionStartedSchema = "{\"type\":\"record\",\"name\":\"SessionStarted\",\"namespace\":\"killswitch.events\",\"doc\":\"An interactive session began at the RP (usually from an IdP login). v4: adds idpDeviceId (the IdP's own id for the device, so device subjects in SSF events resolve to the RP's deviceId).\",\"fields\":[{\"name\":\"sessionId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"parentSessionId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Set for a derived session (e.g. a session minted from another one).\"},{\"name\":\"deviceId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"idpIssuer\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"idpSubject\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"idpSid\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The IdP's session id (OIDC sid) this RP session derives from.\"},{\"name\":\"idpDeviceId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The IdP's identifier of the device (as its SSF events name it), when the login told it.\"},{\"name\":\"clientId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"ip\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"userAgent\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"acr\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"amr\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"authTime\",\"type\":\"long\",\"doc\":\"Epoch milliseconds.\"},{\"name\":\"startedAt\",\"type\":\"long\",\"doc\":\"Epoch milliseconds.\"},{\"name\":\"expiresAt\",\"type\":[\"null\",\"long\"],\"default\":null},{\"name\":\"ancestors\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[],\"doc\":\"Lineage fixed at start: parent session ids, nearest first.\"}]}";
    export const SessionStartedName = "killswitch.events.SessionStarted";
    /**
     * An interactive session began at the RP (usually from an IdP login). v4: adds idpDeviceId (the IdP's own id for the device, so device subjects in SSF events resolve to the RP's deviceId).
     */
    export interface SessionStarted {
        sessionId: string;
        userId: string;
        /**
         * Set for a derived session (e.g. a session minted from another one).
         *
         * Default: null
         */
        parentSessionId: null | string;
        /**
         * Default: null
         */
        deviceId: null | string;
        /**
         * Default: null
         */
        idpIssuer: null | string;
        /**
         * Default: null
         */
        idpSubject: null | string;
        /**
         * The IdP's session id (OIDC sid) this RP session derives from.
         *
         * Default: null
         */
        idpSid: null | string;
        /**
         * The IdP's identifier of the device (as its SSF events name it), when the login told it.
         *
         * Default: null
         */
        idpDeviceId: null | string;
        /**
         * Default: null
         */
        clientId: null | string;
        /**
         * Default: null
         */
        ip: null | string;
        /**
         * Default: null
         */
        userAgent: null | string;
        /**
         * Default: null
         */
        acr: null | string;
        /**
         * Default: []
         */
        amr: string[];
        /**
         * Epoch milliseconds.
         */
        authTime: number;
        /**
         * Epoch milliseconds.
         */
        startedAt: number;
        /**
         * Default: null
         */
        expiresAt: null | number;
        /**
         * Lineage fixed at start: parent session ids, nearest first.
         *
         * Default: []
         */
        ancestors: string[];
    }
}

