// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type IdpMessageReceived = KillswitchEvents.IdpMessageReceived;

export namespace KillswitchEvents {
    export const IdpMessageReceivedSchema = "{\"type\":\"record\",\"name\":\"IdpMessageReceived\",\"namespace\":\"killswitch.events\",\"doc\":\"A verified message from an IdP was processed. Its stream id derives from (protocol, issuer, jti): a replay is recognised by the store.\",\"fields\":[{\"name\":\"protocol\",\"type\":\"string\"},{\"name\":\"issuer\",\"type\":\"string\"},{\"name\":\"messageId\",\"type\":\"string\"},{\"name\":\"messageType\",\"type\":\"string\"},{\"name\":\"digest\",\"type\":\"string\",\"doc\":\"SHA-256 (base64url) of the raw message.\"},{\"name\":\"idpEventTime\",\"type\":[\"null\",\"long\"],\"default\":null},{\"name\":\"receivedAt\",\"type\":\"long\"},{\"name\":\"outcome\",\"type\":\"string\",\"doc\":\"applied | no-action | ignored | no-subject\"},{\"name\":\"terminationIds\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"raw\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The message exactly as received (a compact JWS, or the request body), kept as evidence. Null in v1 events.\"}]}";
    export const IdpMessageReceivedName = "killswitch.events.IdpMessageReceived";
    /**
     * A verified message from an IdP was processed. Its stream id derives from (protocol, issuer, jti): a replay is recognised by the store.
     */
    export interface IdpMessageReceived {
        protocol: string;
        issuer: string;
        messageId: string;
        messageType: string;
        /**
         * SHA-256 (base64url) of the raw message.
         */
        digest: string;
        /**
         * Default: null
         */
        idpEventTime: null | number;
        receivedAt: number;
        /**
         * applied | no-action | ignored | no-subject
         */
        outcome: string;
        /**
         * Default: []
         */
        terminationIds: string[];
        /**
         * The message exactly as received (a compact JWS, or the request body), kept as evidence. Null in v1 events.
         *
         * Default: null
         */
        raw: null | string;
    }
}

