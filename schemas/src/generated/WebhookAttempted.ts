// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type WebhookAttempted = KillswitchEvents.WebhookAttempted;

export namespace KillswitchEvents {
    export const WebhookAttemptedSchema = "{\"type\":\"record\",\"name\":\"WebhookAttempted\",\"namespace\":\"killswitch.events\",\"doc\":\"One delivery attempt of an outbound webhook (Standard Webhooks) to one of the tenant's endpoints.\",\"fields\":[{\"name\":\"endpointId\",\"type\":\"string\"},{\"name\":\"webhookId\",\"type\":\"string\",\"doc\":\"The webhook-id header: the same on every attempt of one message.\"},{\"name\":\"eventType\",\"type\":\"string\"},{\"name\":\"sourcePosition\",\"type\":\"long\",\"doc\":\"The store position of the event the message tells of.\"},{\"name\":\"attempt\",\"type\":\"int\"},{\"name\":\"status\",\"type\":[\"null\",\"int\"],\"default\":null,\"doc\":\"The receiver's HTTP status; null when it could not be reached.\"},{\"name\":\"error\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"delivered\",\"type\":\"boolean\"},{\"name\":\"final\",\"type\":\"boolean\",\"doc\":\"No retry follows: delivered, or given up after the retry window.\"},{\"name\":\"at\",\"type\":\"long\"}]}";
    export const WebhookAttemptedName = "killswitch.events.WebhookAttempted";
    /**
     * One delivery attempt of an outbound webhook (Standard Webhooks) to one of the tenant's endpoints.
     */
    export interface WebhookAttempted {
        endpointId: string;
        /**
         * The webhook-id header: the same on every attempt of one message.
         */
        webhookId: string;
        eventType: string;
        /**
         * The store position of the event the message tells of.
         */
        sourcePosition: number;
        attempt: number;
        /**
         * The receiver's HTTP status; null when it could not be reached.
         *
         * Default: null
         */
        status: null | number;
        /**
         * Default: null
         */
        error: null | string;
        delivered: boolean;
        /**
         * No retry follows: delivered, or given up after the retry window.
         */
        final: boolean;
        at: number;
    }
}

