/**
 * Generates TypeScript types from the current version of every Avro schema, so the code's
 * types come from the schemas and never drift from them. `schemas.test.ts` fails if the
 * generated files are stale: run `npm run gen:schemas` after editing a schema.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedSources } from '../src/codegen.ts';

const out = fileURLToPath(new URL('../src/generated/', import.meta.url));
mkdirSync(out, { recursive: true });
for (const [file, source] of generatedSources()) {
  const path = out + file;
  let previous = '';
  try {
    previous = readFileSync(path, 'utf8');
  } catch {
    /* new file */
  }
  if (previous !== source) {
    writeFileSync(path, source);
    console.log(`wrote src/generated/${file}`);
  }
}
