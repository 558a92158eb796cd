// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type UserIdentityLinked = KillswitchEvents.UserIdentityLinked;

export namespace KillswitchEvents {
    export const UserIdentityLinkedSchema = "{\"type\":\"record\",\"name\":\"UserIdentityLinked\",\"namespace\":\"killswitch.events\",\"doc\":\"Identifiers under which IdPs may name a user (RFC 9493 subjects, in canonical form: \\\"email:a@b\\\", \\\"iss_sub:<iss> <sub>\\\", ...).\",\"fields\":[{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"identifiers\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"linkedAt\",\"type\":\"long\"}]}";
    export const UserIdentityLinkedName = "killswitch.events.UserIdentityLinked";
    /**
     * Identifiers under which IdPs may name a user (RFC 9493 subjects, in canonical form: "email:a@b", "iss_sub:<iss> <sub>", ...).
     */
    export interface UserIdentityLinked {
        userId: string;
        identifiers: string[];
        linkedAt: number;
    }
}

