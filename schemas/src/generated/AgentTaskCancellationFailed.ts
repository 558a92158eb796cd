// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type AgentTaskCancellationFailed = KillswitchEvents.AgentTaskCancellationFailed;

export namespace KillswitchEvents {
    export const AgentTaskCancellationFailedSchema = "{\"type\":\"record\",\"name\":\"AgentTaskCancellationFailed\",\"namespace\":\"killswitch.events\",\"doc\":\"A CancelTask attempt failed; retried with backoff.\",\"fields\":[{\"name\":\"agentId\",\"type\":\"string\"},{\"name\":\"taskId\",\"type\":\"string\"},{\"name\":\"runtimeUrl\",\"type\":\"string\"},{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"attempt\",\"type\":\"int\"},{\"name\":\"error\",\"type\":\"string\"},{\"name\":\"final\",\"type\":\"boolean\"},{\"name\":\"failedAt\",\"type\":\"long\"}]}";
    export const AgentTaskCancellationFailedName = "killswitch.events.AgentTaskCancellationFailed";
    /**
     * A CancelTask attempt failed; retried with backoff.
     */
    export interface AgentTaskCancellationFailed {
        agentId: string;
        taskId: string;
        runtimeUrl: string;
        terminationId: string;
        attempt: number;
        error: string;
        final: boolean;
        failedAt: number;
    }
}

