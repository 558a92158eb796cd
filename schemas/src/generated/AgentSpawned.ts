// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type AgentSpawned = KillswitchEvents.AgentSpawned;

export namespace KillswitchEvents {
    export const LineageSchema = "{\"type\":\"record\",\"name\":\"Lineage\",\"doc\":\"Fixed when the node is created: every ancestor a revocation check must look at.\",\"fields\":[{\"name\":\"sessions\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"agents\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"grants\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"deviceId\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    export const LineageName = "killswitch.events.Lineage";
    /**
     * Fixed when the node is created: every ancestor a revocation check must look at.
     */
    export interface Lineage {
        /**
         * Default: []
         */
        sessions: string[];
        /**
         * Default: []
         */
        agents: string[];
        /**
         * Default: []
         */
        grants: string[];
        /**
         * Default: null
         */
        deviceId: null | string;
    }
    export const AgentSpawnedSchema = "{\"type\":\"record\",\"name\":\"AgentSpawned\",\"namespace\":\"killswitch.events\",\"doc\":\"An AI-agent task was spawned from a session or from another agent.\",\"fields\":[{\"name\":\"agentId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"sessionId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"parentAgentId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"grantId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"runtimeUrl\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"A2A endpoint to send CancelTask to.\"},{\"name\":\"taskId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"spawnedAt\",\"type\":\"long\"},{\"name\":\"lineage\",\"type\":{\"type\":\"record\",\"name\":\"Lineage\",\"doc\":\"Fixed when the node is created: every ancestor a revocation check must look at.\",\"fields\":[{\"name\":\"sessions\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"agents\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"grants\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"deviceId\",\"type\":[\"null\",\"string\"],\"default\":null}]}}]}";
    export const AgentSpawnedName = "killswitch.events.AgentSpawned";
    /**
     * An AI-agent task was spawned from a session or from another agent.
     */
    export interface AgentSpawned {
        agentId: string;
        userId: string;
        /**
         * Default: null
         */
        sessionId: null | string;
        /**
         * Default: null
         */
        parentAgentId: null | string;
        /**
         * Default: null
         */
        grantId: null | string;
        /**
         * A2A endpoint to send CancelTask to.
         *
         * Default: null
         */
        runtimeUrl: null | string;
        /**
         * Default: null
         */
        taskId: null | string;
        spawnedAt: number;
        lineage: KillswitchEvents.Lineage;
    }
}

