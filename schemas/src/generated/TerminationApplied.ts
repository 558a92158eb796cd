// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type TerminationApplied = KillswitchEvents.TerminationApplied;

export namespace KillswitchEvents {
    export const EndedSummarySchema = "{\"type\":\"record\",\"name\":\"EndedSummary\",\"fields\":[{\"name\":\"sessionsRevoked\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"sessionsInvalidated\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"grants\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"agents\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"devices\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"tokens\",\"type\":\"long\",\"doc\":\"Live tokens ended, of every kind: the sum of the three counts below.\"},{\"name\":\"refreshTokens\",\"type\":\"long\",\"default\":0,\"doc\":\"Live refresh tokens ended (they only work at the RP's token endpoint, which asks the ledger).\"},{\"name\":\"referenceTokens\",\"type\":\"long\",\"default\":0,\"doc\":\"Live reference (opaque) access and agent tokens ended: stopped now, since they are only good through introspection or a check.\"},{\"name\":\"statelessTokens\",\"type\":\"long\",\"default\":0,\"doc\":\"Live JWT access, agent and ID tokens ended at every online check; still cryptographically valid until exp (see residual).\"},{\"name\":\"agentTasksCancelled\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[],\"doc\":\"Revoked agents with a live task at a known runtime: the ledger sends A2A CancelTask for each (the status confirms each).\"},{\"name\":\"agentTasksTerminal\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[],\"doc\":\"Revoked agents whose task had already completed, failed or been cancelled (or that had ended): no CancelTask is sent for them.\"}]}";
    export const EndedSummaryName = "killswitch.events.EndedSummary";
    export interface EndedSummary {
        sessionsRevoked: string[];
        sessionsInvalidated: string[];
        grants: string[];
        agents: string[];
        devices: string[];
        /**
         * Live tokens ended, of every kind: the sum of the three counts below.
         */
        tokens: number;
        /**
         * Live refresh tokens ended (they only work at the RP's token endpoint, which asks the ledger).
         *
         * Default: 0
         */
        refreshTokens: number;
        /**
         * Live reference (opaque) access and agent tokens ended: stopped now, since they are only good through introspection or a check.
         *
         * Default: 0
         */
        referenceTokens: number;
        /**
         * Live JWT access, agent and ID tokens ended at every online check; still cryptographically valid until exp (see residual).
         *
         * Default: 0
         */
        statelessTokens: number;
        /**
         * Revoked agents with a live task at a known runtime: the ledger sends A2A CancelTask for each (the status confirms each).
         *
         * Default: []
         */
        agentTasksCancelled: string[];
        /**
         * Revoked agents whose task had already completed, failed or been cancelled (or that had ended): no CancelTask is sent for them.
         *
         * Default: []
         */
        agentTasksTerminal: string[];
    }
    export const ExposureClassSchema = "{\"type\":\"record\",\"name\":\"ExposureClass\",\"fields\":[{\"name\":\"count\",\"type\":\"long\"},{\"name\":\"latestExpiry\",\"type\":[\"null\",\"long\"],\"default\":null}]}";
    export const ExposureClassName = "killswitch.events.ExposureClass";
    export interface ExposureClass {
        count: number;
        /**
         * Default: null
         */
        latestExpiry: null | number;
    }
    export const ResidualExposureSchema = "{\"type\":\"record\",\"name\":\"ResidualExposure\",\"fields\":[{\"name\":\"bearer\",\"type\":{\"type\":\"record\",\"name\":\"ExposureClass\",\"fields\":[{\"name\":\"count\",\"type\":\"long\"},{\"name\":\"latestExpiry\",\"type\":[\"null\",\"long\"],\"default\":null}]}},{\"name\":\"deviceBound\",\"type\":\"ExposureClass\"}]}";
    export const ResidualExposureName = "killswitch.events.ResidualExposure";
    export interface ResidualExposure {
        bearer: KillswitchEvents.ExposureClass;
        deviceBound: KillswitchEvents.ExposureClass;
    }
    export const IpsieLevelSchema = "{\"type\":\"enum\",\"name\":\"IpsieLevel\",\"symbols\":[\"SL2\",\"SL3\"]}";
    export const IpsieLevelName = "killswitch.events.IpsieLevel";
    export type IpsieLevel = "SL2" | "SL3";
    export const DeadlineVerdictSchema = "{\"type\":\"record\",\"name\":\"DeadlineVerdict\",\"fields\":[{\"name\":\"level\",\"type\":{\"type\":\"enum\",\"name\":\"IpsieLevel\",\"symbols\":[\"SL2\",\"SL3\"]}},{\"name\":\"bearerDeadline\",\"type\":\"long\"},{\"name\":\"deviceBoundDeadline\",\"type\":\"long\"},{\"name\":\"meets\",\"type\":\"boolean\"}]}";
    export const DeadlineVerdictName = "killswitch.events.DeadlineVerdict";
    export interface DeadlineVerdict {
        level: KillswitchEvents.IpsieLevel;
        bearerDeadline: number;
        deviceBoundDeadline: number;
        meets: boolean;
    }
    export const TerminationAppliedSchema = "{\"type\":\"record\",\"name\":\"TerminationApplied\",\"namespace\":\"killswitch.events\",\"doc\":\"What a termination ended and what is still alive (stateless tokens that can only expire), with the IPSIE verdict.\",\"fields\":[{\"name\":\"terminationId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"appliedAt\",\"type\":\"long\"},{\"name\":\"ended\",\"type\":{\"type\":\"record\",\"name\":\"EndedSummary\",\"fields\":[{\"name\":\"sessionsRevoked\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"sessionsInvalidated\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"grants\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"agents\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"devices\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"tokens\",\"type\":\"long\",\"doc\":\"Live tokens ended, of every kind: the sum of the three counts below.\"},{\"name\":\"refreshTokens\",\"type\":\"long\",\"default\":0,\"doc\":\"Live refresh tokens ended (they only work at the RP's token endpoint, which asks the ledger).\"},{\"name\":\"referenceTokens\",\"type\":\"long\",\"default\":0,\"doc\":\"Live reference (opaque) access and agent tokens ended: stopped now, since they are only good through introspection or a check.\"},{\"name\":\"statelessTokens\",\"type\":\"long\",\"default\":0,\"doc\":\"Live JWT access, agent and ID tokens ended at every online check; still cryptographically valid until exp (see residual).\"},{\"name\":\"agentTasksCancelled\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[],\"doc\":\"Revoked agents with a live task at a known runtime: the ledger sends A2A CancelTask for each (the status confirms each).\"},{\"name\":\"agentTasksTerminal\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[],\"doc\":\"Revoked agents whose task had already completed, failed or been cancelled (or that had ended): no CancelTask is sent for them.\"}]}},{\"name\":\"residual\",\"type\":{\"type\":\"record\",\"name\":\"ResidualExposure\",\"fields\":[{\"name\":\"bearer\",\"type\":{\"type\":\"record\",\"name\":\"ExposureClass\",\"fields\":[{\"name\":\"count\",\"type\":\"long\"},{\"name\":\"latestExpiry\",\"type\":[\"null\",\"long\"],\"default\":null}]}},{\"name\":\"deviceBound\",\"type\":\"ExposureClass\"}]}},{\"name\":\"verdict\",\"type\":{\"type\":\"record\",\"name\":\"DeadlineVerdict\",\"fields\":[{\"name\":\"level\",\"type\":{\"type\":\"enum\",\"name\":\"IpsieLevel\",\"symbols\":[\"SL2\",\"SL3\"]}},{\"name\":\"bearerDeadline\",\"type\":\"long\"},{\"name\":\"deviceBoundDeadline\",\"type\":\"long\"},{\"name\":\"meets\",\"type\":\"boolean\"}]}},{\"name\":\"noChange\",\"type\":\"boolean\",\"doc\":\"True when everything named was already ended.\"}]}";
    export const TerminationAppliedName = "killswitch.events.TerminationApplied";
    /**
     * What a termination ended and what is still alive (stateless tokens that can only expire), with the IPSIE verdict.
     */
    export interface TerminationApplied {
        terminationId: string;
        /**
         * Default: null
         */
        userId: null | string;
        appliedAt: number;
        ended: KillswitchEvents.EndedSummary;
        residual: KillswitchEvents.ResidualExposure;
        verdict: KillswitchEvents.DeadlineVerdict;
        /**
         * True when everything named was already ended.
         */
        noChange: boolean;
    }
}

