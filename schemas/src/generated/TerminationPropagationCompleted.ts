// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type TerminationPropagationCompleted = KillswitchEvents.TerminationPropagationCompleted;

export namespace KillswitchEvents {
    export const TerminationPropagationCompletedSchema = "{\"type\":\"record\",\"name\":\"TerminationPropagationCompleted\",\"namespace\":\"killswitch.events\",\"doc\":\"Every enforcer alive when the termination was applied has applied it.\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"enforcers\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"completedAt\",\"type\":\"long\"},{\"name\":\"propagationMs\",\"type\":\"long\",\"doc\":\"From the termination being recorded to the last enforcer applying it.\"}]}";
    export const TerminationPropagationCompletedName = "killswitch.events.TerminationPropagationCompleted";
    /**
     * Every enforcer alive when the termination was applied has applied it.
     */
    export interface TerminationPropagationCompleted {
        terminationId: string;
        enforcers: string[];
        completedAt: number;
        /**
         * From the termination being recorded to the last enforcer applying it.
         */
        propagationMs: number;
    }
}

