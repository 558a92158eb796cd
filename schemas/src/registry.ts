import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { rabinFingerprint } from './fingerprint.ts';

/** One version of one schema, as written in `schemas/avro/<family>/<Name>.v<N>.avsc`. */
export interface SchemaVersion {
  readonly name: string;
  readonly version: number;
  readonly type: avro.Type;
  /** CRC-64-AVRO of the Parsing Canonical Form, hex (16 chars). */
  readonly fingerprint: string;
}

export class UnknownSchemaError extends Error {
  readonly type = 'UnknownSchema' as const;
  constructor(readonly what: string) {
    super(`no schema registered for ${what}`);
  }
}

const AVRO_ROOT = fileURLToPath(new URL('../avro', import.meta.url));
const FILE_NAME = /^([A-Za-z]+)\.v(\d+)\.avsc$/;

/**
 * Every schema version ever published. Old versions stay here forever so that events
 * written with them can be resolved to the current version (Avro schema resolution).
 */
export class SchemaRegistry {
  private readonly byFingerprint = new Map<string, SchemaVersion>();
  private readonly latest = new Map<string, SchemaVersion>();
  private readonly resolvers = new Map<string, avro.Resolver>();

  static load(family: string, root: string = AVRO_ROOT): SchemaRegistry {
    const registry = new SchemaRegistry();
    const dir = join(root, family);
    for (const file of readdirSync(dir).sort()) {
      const match = FILE_NAME.exec(file);
      if (!match) continue;
      const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as avro.Schema;
      registry.register(match[1] as string, Number(match[2]), schema);
    }
    return registry;
  }

  register(name: string, version: number, schema: avro.Schema): SchemaVersion {
    const type = avro.Type.forSchema(schema);
    const entry: SchemaVersion = { name, version, type, fingerprint: canonicalFingerprint(type) };
    this.byFingerprint.set(entry.fingerprint, entry);
    const current = this.latest.get(name);
    if (!current || current.version < version) this.latest.set(name, entry);
    return entry;
  }

  current(name: string): SchemaVersion {
    const entry = this.latest.get(name);
    if (!entry) throw new UnknownSchemaError(name);
    return entry;
  }

  version(name: string, version: number): SchemaVersion {
    for (const entry of this.byFingerprint.values()) {
      if (entry.name === name && entry.version === version) return entry;
    }
    throw new UnknownSchemaError(`${name} v${version}`);
  }

  byPrint(fingerprint: string): SchemaVersion {
    const entry = this.byFingerprint.get(fingerprint);
    if (!entry) throw new UnknownSchemaError(`fingerprint ${fingerprint}`);
    return entry;
  }

  names(): string[] {
    return [...this.latest.keys()].sort();
  }

  all(): SchemaVersion[] {
    return [...this.byFingerprint.values()];
  }

  /** Encodes with the current version of `name`. */
  encode(name: string, value: unknown): { fingerprint: string; body: Buffer } {
    const schema = this.current(name);
    return { fingerprint: schema.fingerprint, body: schema.type.toBuffer(value) };
  }

  /** Decodes a body written with any registered version into the current version's shape. */
  decode(fingerprint: string, body: Buffer): { name: string; value: unknown } {
    const writer = this.byPrint(fingerprint);
    const reader = this.current(writer.name);
    if (reader === writer) return { name: writer.name, value: reader.type.fromBuffer(body) };
    return { name: writer.name, value: reader.type.fromBuffer(body, this.resolver(reader, writer)) };
  }

  private resolver(reader: SchemaVersion, writer: SchemaVersion): avro.Resolver {
    const key = `${reader.fingerprint}<${writer.fingerprint}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = reader.type.createResolver(writer.type);
      this.resolvers.set(key, resolver);
    }
    return resolver;
  }
}

/** Fingerprint of the Parsing Canonical Form (avsc's `getSchema` with no options yields it). */
export function canonicalFingerprint(type: avro.Type): string {
  return rabinFingerprint(JSON.stringify(type.schema())).toString('hex');
}
