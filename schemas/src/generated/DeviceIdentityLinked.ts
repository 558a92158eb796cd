// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type DeviceIdentityLinked = KillswitchEvents.DeviceIdentityLinked;

export namespace KillswitchEvents {
    export const DeviceIdentityLinkedSchema = "{\"type\":\"record\",\"name\":\"DeviceIdentityLinked\",\"namespace\":\"killswitch.events\",\"doc\":\"Identifiers under which IdPs may name one of the RP's devices (RFC 9493 subjects, in canonical form: \\\"opaque:dev-1\\\", \\\"uri:urn:dev:1\\\", ...).\",\"fields\":[{\"name\":\"deviceId\",\"type\":\"string\",\"doc\":\"The RP's own device id (as session.started records it).\"},{\"name\":\"userId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The device's user, when the device is personal.\"},{\"name\":\"identifiers\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"linkedAt\",\"type\":\"long\"}]}";
    export const DeviceIdentityLinkedName = "killswitch.events.DeviceIdentityLinked";
    /**
     * Identifiers under which IdPs may name one of the RP's devices (RFC 9493 subjects, in canonical form: "opaque:dev-1", "uri:urn:dev:1", ...).
     */
    export interface DeviceIdentityLinked {
        /**
         * The RP's own device id (as session.started records it).
         */
        deviceId: string;
        /**
         * The device's user, when the device is personal.
         *
         * Default: null
         */
        userId: null | string;
        identifiers: string[];
        linkedAt: number;
    }
}

