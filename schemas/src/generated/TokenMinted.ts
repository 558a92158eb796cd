// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type TokenMinted = KillswitchEvents.TokenMinted;

export namespace KillswitchEvents {
    export const TokenKindSchema = "{\"type\":\"enum\",\"name\":\"TokenKind\",\"symbols\":[\"ACCESS\",\"REFRESH\",\"AGENT\",\"ID\"]}";
    export const TokenKindName = "killswitch.events.TokenKind";
    export type TokenKind = "ACCESS" | "REFRESH" | "AGENT" | "ID";
    export const TokenFormatSchema = "{\"type\":\"enum\",\"name\":\"TokenFormat\",\"symbols\":[\"JWT\",\"REFERENCE\"],\"doc\":\"JWT = stateless, verifiable offline; REFERENCE = opaque, only valid through the ledger.\"}";
    export const TokenFormatName = "killswitch.events.TokenFormat";
    /**
     * JWT = stateless, verifiable offline; REFERENCE = opaque, only valid through the ledger.
     */
    export type TokenFormat = "JWT" | "REFERENCE";
    export const TokenBindingSchema = "{\"type\":\"enum\",\"name\":\"TokenBinding\",\"symbols\":[\"BEARER\",\"DPOP\",\"MTLS\"]}";
    export const TokenBindingName = "killswitch.events.TokenBinding";
    export type TokenBinding = "BEARER" | "DPOP" | "MTLS";
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
    export const TokenMintedSchema = "{\"type\":\"record\",\"name\":\"TokenMinted\",\"namespace\":\"killswitch.events\",\"doc\":\"A token was minted. Its lineage is fixed here, so a check is a few lookups, never a graph walk. v2: adds scope.\",\"fields\":[{\"name\":\"tokenId\",\"type\":\"string\",\"doc\":\"jti, or the reference token's id.\"},{\"name\":\"userId\",\"type\":\"string\"},{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"TokenKind\",\"symbols\":[\"ACCESS\",\"REFRESH\",\"AGENT\",\"ID\"]}},{\"name\":\"format\",\"type\":{\"type\":\"enum\",\"name\":\"TokenFormat\",\"symbols\":[\"JWT\",\"REFERENCE\"],\"doc\":\"JWT = stateless, verifiable offline; REFERENCE = opaque, only valid through the ledger.\"}},{\"name\":\"binding\",\"type\":{\"type\":\"enum\",\"name\":\"TokenBinding\",\"symbols\":[\"BEARER\",\"DPOP\",\"MTLS\"]}},{\"name\":\"bindingThumbprint\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"sessionId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"grantId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"agentId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"clientId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"scope\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"issuedAt\",\"type\":\"long\"},{\"name\":\"expiresAt\",\"type\":\"long\"},{\"name\":\"lineage\",\"type\":{\"type\":\"record\",\"name\":\"Lineage\",\"doc\":\"Fixed when the node is created: every ancestor a revocation check must look at.\",\"fields\":[{\"name\":\"sessions\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"agents\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"grants\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},{\"name\":\"deviceId\",\"type\":[\"null\",\"string\"],\"default\":null}]}}]}";
    export const TokenMintedName = "killswitch.events.TokenMinted";
    /**
     * A token was minted. Its lineage is fixed here, so a check is a few lookups, never a graph walk. v2: adds scope.
     */
    export interface TokenMinted {
        /**
         * jti, or the reference token's id.
         */
        tokenId: string;
        userId: string;
        kind: KillswitchEvents.TokenKind;
        format: KillswitchEvents.TokenFormat;
        binding: KillswitchEvents.TokenBinding;
        /**
         * Default: null
         */
        bindingThumbprint: null | string;
        /**
         * Default: null
         */
        sessionId: null | string;
        /**
         * Default: null
         */
        grantId: null | string;
        /**
         * Default: null
         */
        agentId: null | string;
        /**
         * Default: null
         */
        clientId: null | string;
        /**
         * Default: null
         */
        scope: null | string;
        issuedAt: number;
        expiresAt: number;
        lineage: KillswitchEvents.Lineage;
    }
}

