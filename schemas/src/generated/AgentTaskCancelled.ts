// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type AgentTaskCancelled = KillswitchEvents.AgentTaskCancelled;

export namespace KillswitchEvents {
    export const AgentTaskCancelledSchema = "{\"type\":\"record\",\"name\":\"AgentTaskCancelled\",\"namespace\":\"killswitch.events\",\"doc\":\"The agent runtime was told to cancel a revoked agent task (A2A CancelTask).\",\"fields\":[{\"name\":\"agentId\",\"type\":\"string\"},{\"name\":\"taskId\",\"type\":\"string\"},{\"name\":\"runtimeUrl\",\"type\":\"string\"},{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"outcome\",\"type\":\"string\",\"doc\":\"canceled | already-terminal | not-found\"},{\"name\":\"attempts\",\"type\":\"int\"},{\"name\":\"cancelledAt\",\"type\":\"long\"}]}";
    export const AgentTaskCancelledName = "killswitch.events.AgentTaskCancelled";
    /**
     * The agent runtime was told to cancel a revoked agent task (A2A CancelTask).
     */
    export interface AgentTaskCancelled {
        agentId: string;
        taskId: string;
        runtimeUrl: string;
        terminationId: string;
        /**
         * canceled | already-terminal | not-found
         */
        outcome: string;
        attempts: number;
        cancelledAt: number;
    }
}

