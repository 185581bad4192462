import { mkdir, writeFile } from 'node:fs/promises';
import { printedSchemas } from '../src/schema/print.js';

// Part of `npm run codegen`: reprints schema/ from the code-first schema in src/schema.
await mkdir('schema', { recursive: true });
for (const [file, sdl] of Object.entries(printedSchemas())) {
  await writeFile(`schema/${file}`, sdl);
  console.log(`schema/${file}`);
}
