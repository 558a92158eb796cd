import type { SchemaRegistry } from './registry.ts';

/** Avro single-object encoding: 0xC3 0x01, the writer schema's 8-byte Rabin fingerprint, the body. */
const MARKER = Buffer.from([0xc3, 0x01]);
const HEADER_LENGTH = 10;

export class NotSingleObjectError extends Error {
  readonly type = 'NotSingleObject' as const;
  constructor() {
    super('message is not Avro single-object encoded');
  }
}

export function encodeSingleObject(registry: SchemaRegistry, name: string, value: unknown): Buffer {
  const { fingerprint, body } = registry.encode(name, value);
  return Buffer.concat([MARKER, Buffer.from(fingerprint, 'hex'), body]);
}

export function decodeSingleObject(registry: SchemaRegistry, message: Buffer): { name: string; value: unknown } {
  if (message.length < HEADER_LENGTH || !message.subarray(0, 2).equals(MARKER)) throw new NotSingleObjectError();
  const fingerprint = message.subarray(2, HEADER_LENGTH).toString('hex');
  return registry.decode(fingerprint, message.subarray(HEADER_LENGTH));
}
