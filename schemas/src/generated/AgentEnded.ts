// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type AgentEnded = KillswitchEvents.AgentEnded;

export namespace KillswitchEvents {
    export const AgentEndedSchema = "{\"type\":\"record\",\"name\":\"AgentEnded\",\"namespace\":\"killswitch.events\",\"doc\":\"An agent instance stopped for good (its runtime shut it down): it has no task left to cancel.\",\"fields\":[{\"name\":\"agentId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"reason\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"endedAt\",\"type\":\"long\"}]}";
    export const AgentEndedName = "killswitch.events.AgentEnded";
    /**
     * An agent instance stopped for good (its runtime shut it down): it has no task left to cancel.
     */
    export interface AgentEnded {
        agentId: string;
        userId: string;
        /**
         * Default: null
         */
        reason: null | string;
        endedAt: number;
    }
}

