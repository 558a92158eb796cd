// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type RefreshTokenRotated = KillswitchEvents.RefreshTokenRotated;

export namespace KillswitchEvents {
    export const RefreshTokenRotatedSchema = "{\"type\":\"record\",\"name\":\"RefreshTokenRotated\",\"namespace\":\"killswitch.events\",\"doc\":\"A refresh token was exchanged for a new one of the same family; presenting it again is reuse (RFC 9700).\",\"fields\":[{\"name\":\"tokenId\",\"type\":\"string\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"grantId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"replacedBy\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"rotatedAt\",\"type\":\"long\"}]}";
    export const RefreshTokenRotatedName = "killswitch.events.RefreshTokenRotated";
    /**
     * A refresh token was exchanged for a new one of the same family; presenting it again is reuse (RFC 9700).
     */
    export interface RefreshTokenRotated {
        tokenId: string;
        userId: string;
        /**
         * Default: null
         */
        grantId: null | string;
        /**
         * Default: null
         */
        replacedBy: null | string;
        rotatedAt: number;
    }
}

