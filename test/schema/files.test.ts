import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printedSchemas } from '../../src/schema/print.js';

describe('schema/ matches the code (run `npm run codegen` when this fails)', () => {
  it.each(Object.entries(printedSchemas()))('schema/%s is current', async (file, sdl) => {
    const committed = await readFile(new URL(`../../schema/${file}`, import.meta.url), 'utf8');
    expect(committed).toBe(sdl);
  });
});
