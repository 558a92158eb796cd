// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type AgentTaskEnded = KillswitchEvents.AgentTaskEnded;

export namespace KillswitchEvents {
    export const AgentTaskStateSchema = "{\"type\":\"enum\",\"name\":\"AgentTaskState\",\"symbols\":[\"COMPLETED\",\"FAILED\",\"CANCELED\",\"REJECTED\"]}";
    export const AgentTaskStateName = "killswitch.events.AgentTaskState";
    export type AgentTaskState = "COMPLETED" | "FAILED" | "CANCELED" | "REJECTED";
    export const AgentTaskEndedSchema = "{\"type\":\"record\",\"name\":\"AgentTaskEnded\",\"namespace\":\"killswitch.events\",\"doc\":\"An agent's task reached a terminal state on its own (the agent runtime reported it): a later termination neither cancels it nor counts it as cancelled.\",\"fields\":[{\"name\":\"agentId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"taskId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The task (the agent's own when null).\"},{\"name\":\"state\",\"type\":{\"type\":\"enum\",\"name\":\"AgentTaskState\",\"symbols\":[\"COMPLETED\",\"FAILED\",\"CANCELED\",\"REJECTED\"]}},{\"name\":\"endedAt\",\"type\":\"long\"}]}";
    export const AgentTaskEndedName = "killswitch.events.AgentTaskEnded";
    /**
     * An agent's task reached a terminal state on its own (the agent runtime reported it): a later termination neither cancels it nor counts it as cancelled.
     */
    export interface AgentTaskEnded {
        agentId: string;
        userId: string;
        /**
         * The task (the agent's own when null).
         *
         * Default: null
         */
        taskId: null | string;
        state: KillswitchEvents.AgentTaskState;
        endedAt: number;
    }
}

