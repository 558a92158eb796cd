import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toTypeScript } from '@ovotech/avro-ts';
import type { Schema } from 'avsc';

const EVENTS_DIR = fileURLToPath(new URL('../avro/events/', import.meta.url));
const HEADER = '// Generated from schemas/avro by `npm run gen:schemas`. Do not edit.\n';

function latestVersions(): Map<string, string> {
  const latest = new Map<string, { version: number; file: string }>();
  for (const file of readdirSync(EVENTS_DIR)) {
    const match = /^([A-Za-z]+)\.v(\d+)\.avsc$/.exec(file);
    if (!match) continue;
    const [name, version] = [match[1] as string, Number(match[2])];
    const seen = latest.get(name);
    if (!seen || seen.version < version) latest.set(name, { version, file });
  }
  return new Map([...latest].sort().map(([name, { file }]) => [name, file]));
}

/** File name → generated source, for the current version of every event schema. */
export function generatedSources(): Map<string, string> {
  const sources = new Map<string, string>();
  const names: string[] = [];
  for (const [name, file] of latestVersions()) {
    const schema = JSON.parse(readFileSync(EVENTS_DIR + file, 'utf8')) as Schema;
    sources.set(`${name}.ts`, HEADER + toTypeScript(schema as never) + '\n');
    names.push(name);
  }
  const index = names.map((name) => `export type { ${name} } from './${name}.ts';`).join('\n');
  const namespaces = names.map((name) => `export type { KillswitchEvents as ${name}Types } from './${name}.ts';`);
  sources.set('events.ts', `${HEADER}${index}\n${namespaces.join('\n')}\n`);
  return sources;
}
