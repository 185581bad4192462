import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import config from '../../codegen.js';

it('test/generated and src/client/generated match schema/schema.graphql and their operations (run `npm run codegen` when this fails)', async () => {
  const outputs: Array<{ filename: string; content: string }> = await generate(
    { ...config, cwd: process.cwd(), silent: true },
    false,
  );
  const filenames = outputs.map((output) => output.filename).sort();
  const files = ['gql.ts', 'graphql.ts', 'index.ts', 'possible-types.ts'];
  expect(filenames).toEqual(
    ['src/client/generated', 'test/generated'].flatMap((folder) => files.map((file) => `${folder}/${file}`)),
  );
  for (const { filename, content } of outputs) {
    const committed = await readFile(resolve(process.cwd(), filename), 'utf8');
    expect(committed, filename).toBe(content);
  }
});
