import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

/**
 * The domain modules share only the refs of src/schema/refs.ts: each of them can be imported first, in any
 * order, and the schema still builds (a cycle that touched a ref too early would throw a ReferenceError).
 */
const schemaDir = new URL('../../src/schema/', import.meta.url).pathname;
const modules = readdirSync(schemaDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => relative(schemaDir, join(schemaDir, file)))
  .sort();

describe('schema modules import in any order', () => {
  it('finds the domain modules', () => {
    expect(modules).toContain('thread/types.ts');
    expect(modules.length).toBeGreaterThan(20);
  });

  it.each(modules)('src/schema/%s imported first, then the schema builds', async (file) => {
    vi.resetModules();
    await import(/* @vite-ignore */ join(schemaDir, file));
    const { schema } = await import('../../src/schema/index.js');
    expect(schema.getQueryType()?.getFields().threads).toBeDefined();
    expect(schema.getType('Prospect')).toBeDefined();
  });
});
