// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type ReceiptDelivered = KillswitchEvents.ReceiptDelivered;

export namespace KillswitchEvents {
    export const ReceiptDeliveredSchema = "{\"type\":\"record\",\"name\":\"ReceiptDelivered\",\"namespace\":\"killswitch.events\",\"doc\":\"A signed receipt of a termination reached the IdP (RFC 8935 push answered 202).\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"endpointUrl\",\"type\":\"string\"},{\"name\":\"receiptJti\",\"type\":\"string\"},{\"name\":\"attempts\",\"type\":\"int\"},{\"name\":\"deliveredAt\",\"type\":\"long\"}]}";
    export const ReceiptDeliveredName = "killswitch.events.ReceiptDelivered";
    /**
     * A signed receipt of a termination reached the IdP (RFC 8935 push answered 202).
     */
    export interface ReceiptDelivered {
        terminationId: string;
        endpointUrl: string;
        receiptJti: string;
        attempts: number;
        deliveredAt: number;
    }
}

