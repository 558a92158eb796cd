// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type ReceiptDeliveryFailed = KillswitchEvents.ReceiptDeliveryFailed;

export namespace KillswitchEvents {
    export const ReceiptDeliveryFailedSchema = "{\"type\":\"record\",\"name\":\"ReceiptDeliveryFailed\",\"namespace\":\"killswitch.events\",\"doc\":\"A receipt delivery attempt failed; it is retried with backoff until it succeeds or is abandoned.\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"endpointUrl\",\"type\":\"string\"},{\"name\":\"attempt\",\"type\":\"int\"},{\"name\":\"error\",\"type\":\"string\"},{\"name\":\"final\",\"type\":\"boolean\"},{\"name\":\"failedAt\",\"type\":\"long\"}]}";
    export const ReceiptDeliveryFailedName = "killswitch.events.ReceiptDeliveryFailed";
    /**
     * A receipt delivery attempt failed; it is retried with backoff until it succeeds or is abandoned.
     */
    export interface ReceiptDeliveryFailed {
        terminationId: string;
        endpointUrl: string;
        attempt: number;
        error: string;
        final: boolean;
        failedAt: number;
    }
}

