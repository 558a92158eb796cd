// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type SessionEnded = KillswitchEvents.SessionEnded;

export namespace KillswitchEvents {
    export const SessionEndedSchema = "{\"type\":\"record\",\"name\":\"SessionEnded\",\"namespace\":\"killswitch.events\",\"doc\":\"A session ended normally at the RP (expiry, local logout recorded by the RP's auth layer).\",\"fields\":[{\"name\":\"sessionId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"endedAt\",\"type\":\"long\"},{\"name\":\"reason\",\"type\":\"string\"}]}";
    export const SessionEndedName = "killswitch.events.SessionEnded";
    /**
     * A session ended normally at the RP (expiry, local logout recorded by the RP's auth layer).
     */
    export interface SessionEnded {
        sessionId: string;
        userId: string;
        endedAt: number;
        reason: string;
    }
}

