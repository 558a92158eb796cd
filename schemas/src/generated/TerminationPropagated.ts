// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type TerminationPropagated = KillswitchEvents.TerminationPropagated;

export namespace KillswitchEvents {
    export const TerminationPropagatedSchema = "{\"type\":\"record\",\"name\":\"TerminationPropagated\",\"namespace\":\"killswitch.events\",\"doc\":\"An enforcement point reported that it applied a termination.\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"enforcerId\",\"type\":\"string\"},{\"name\":\"appliedAt\",\"type\":\"long\"},{\"name\":\"position\",\"type\":\"long\",\"doc\":\"The feed position the enforcer had applied.\"}]}";
    export const TerminationPropagatedName = "killswitch.events.TerminationPropagated";
    /**
     * An enforcement point reported that it applied a termination.
     */
    export interface TerminationPropagated {
        terminationId: string;
        enforcerId: string;
        appliedAt: number;
        /**
         * The feed position the enforcer had applied.
         */
        position: number;
    }
}

