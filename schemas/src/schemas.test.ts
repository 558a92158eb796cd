import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedSources } from './codegen.ts';
import { EVENT_TYPES } from './events.ts';
import { rabinFingerprint } from './fingerprint.ts';
import { SchemaRegistry } from './registry.ts';
import { decodeSingleObject, encodeSingleObject, NotSingleObjectError } from './single-object.ts';

const registry = SchemaRegistry.load('events');

describe('event schemas', () => {
  it('every event type has a schema', () => {
    expect(registry.names()).toEqual([...EVENT_TYPES].sort());
  });

  it('fingerprints are CRC-64-AVRO of the canonical form (Avro spec test vector)', () => {
    expect(rabinFingerprint('"null"').readBigInt64LE()).toBe(7195948357588979594n);
  });

  it('an event written with version 1 is read by the current code (schema resolution)', () => {
    const v1 = registry.version('SessionStarted', 1);
    const current = registry.current('SessionStarted');
    expect(current.version).toBe(4);
    const written = {
      sessionId: 's1',
      userId: 'alice',
      parentSessionId: null,
      deviceId: 'laptop',
      idpIssuer: null,
      idpSid: 'idp-sid',
      clientId: null,
      ip: null,
      userAgent: null,
      authTime: 1,
      startedAt: 2,
      expiresAt: null,
      ancestors: [],
    };
    const body = v1.type.toBuffer(written);
    const { name, value } = registry.decode(v1.fingerprint, body);
    expect(name).toBe('SessionStarted');
    expect(value).toEqual({ ...written, acr: null, amr: [], idpSubject: null, idpDeviceId: null });
  });

  it('SessionStarted v3 is read by v4 code with no IdP device id', () => {
    const v3 = registry.version('SessionStarted', 3);
    const written = {
      sessionId: 's1',
      userId: 'alice',
      parentSessionId: null,
      deviceId: 'laptop',
      idpIssuer: 'https://idp.example',
      idpSubject: 'u-1',
      idpSid: 'sid',
      clientId: null,
      ip: null,
      userAgent: null,
      acr: null,
      amr: [],
      authTime: 1,
      startedAt: 2,
      expiresAt: null,
      ancestors: [],
    };
    const { value } = registry.decode(v3.fingerprint, v3.type.toBuffer(written));
    expect(value).toEqual({ ...written, idpDeviceId: null });
  });

  it('TokenMinted v1 resolves to v2 with scope null', () => {
    const v1 = registry.version('TokenMinted', 1);
    const token = {
      tokenId: 't',
      userId: 'u',
      kind: 'ACCESS',
      format: 'JWT',
      binding: 'DPOP',
      bindingThumbprint: 'jkt',
      sessionId: 's',
      grantId: null,
      agentId: null,
      clientId: 'web',
      issuedAt: 1,
      expiresAt: 2,
      lineage: { sessions: ['s'], agents: [], grants: [], deviceId: null },
    };
    expect(registry.decode(v1.fingerprint, v1.type.toBuffer(token)).value).toEqual({ ...token, scope: null });
  });

  it('single-object encoding carries the writer fingerprint and round-trips', () => {
    const message = encodeSingleObject(registry, 'SessionEnded', { sessionId: 's', userId: 'u', endedAt: 3, reason: 'logout' });
    expect([...message.subarray(0, 2)]).toEqual([0xc3, 0x01]);
    expect(message.subarray(2, 10).toString('hex')).toBe(registry.current('SessionEnded').fingerprint);
    expect(decodeSingleObject(registry, message).value).toEqual({ sessionId: 's', userId: 'u', endedAt: 3, reason: 'logout' });
    expect(() => decodeSingleObject(registry, Buffer.from('garbage'))).toThrow(NotSingleObjectError);
  });

  it('refuses a value that does not match its schema', () => {
    expect(() => registry.encode('SessionEnded', { sessionId: 's' })).toThrow();
  });

  it('generated TypeScript types are up to date with the schemas (run `npm run gen:schemas`)', () => {
    for (const [file, source] of generatedSources()) {
      expect(readFileSync(fileURLToPath(new URL(`./generated/${file}`, import.meta.url)), 'utf8'), file).toBe(source);
    }
  });
});
