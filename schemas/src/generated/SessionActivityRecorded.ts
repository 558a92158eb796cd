// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type SessionActivityRecorded = KillswitchEvents.SessionActivityRecorded;

export namespace KillswitchEvents {
    export const SessionActivityRecordedSchema = "{\"type\":\"record\",\"name\":\"SessionActivityRecorded\",\"namespace\":\"killswitch.events\",\"doc\":\"Coalesced activity on a session: at most one per session per coalescing window.\",\"fields\":[{\"name\":\"sessionId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"at\",\"type\":\"long\"},{\"name\":\"ip\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"userAgent\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    export const SessionActivityRecordedName = "killswitch.events.SessionActivityRecorded";
    /**
     * Coalesced activity on a session: at most one per session per coalescing window.
     */
    export interface SessionActivityRecorded {
        sessionId: string;
        userId: string;
        at: number;
        /**
         * Default: null
         */
        ip: null | string;
        /**
         * Default: null
         */
        userAgent: null | string;
    }
}

