import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getComposedSchemaFromConfig } from '@graphql-mesh/compose-cli';
import { DefaultLogger, LogLevel } from '@graphql-mesh/utils';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';
import { parse, stringify } from 'yaml';

/** The contract our facade is written against; Mesh is generated from the very same file. */
export const OPENAPI_PATH = resolve(import.meta.dirname, '../src/upstream/openapi.yaml');

/**
 * `as-generated`: the spec as it is. `nullable-workaround`: the same spec with every OpenAPI 3.1
 * `type: [T, "null"]` rewritten to the 3.0 form `type: T, nullable: true`, which is the only null
 * form @omnigraph/openapi honours on required properties (see ardatan/graphql-mesh#6560): as
 * generated, a required-but-nullable field becomes non-null and a null value errors at run time.
 */
export type MeshVariant = 'as-generated' | 'nullable-workaround';

/** The 3.1 → 3.0 nullable rewrite, applied to every schema object of the spec. */
function withNullableKeyword(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullableKeyword);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([key, value]) => [key, withNullableKeyword(value)] as const);
  const object: Record<string, unknown> = Object.fromEntries(entries);
  const types = object.type;
  if (Array.isArray(types) && types.includes('null') && types.length === 2) {
    object.type = types.find((type) => type !== 'null');
    object.nullable = true;
  }
  return object;
}

/** The spec file for a variant, and how to clean it up once it has been read. */
export function specFor(variant: MeshVariant): { path: string; dispose(): void } {
  if (variant === 'as-generated') return { path: OPENAPI_PATH, dispose: () => {} };
  const path = join(tmpdir(), `inbox-openapi-mesh-nullable-${process.pid}.yaml`);
  writeFileSync(path, stringify(withNullableKeyword(parse(readFileSync(OPENAPI_PATH, 'utf8')))));
  return { path, dispose: () => rmSync(path, { force: true }) };
}

/**
 * What `mesh-compose` writes to supergraph.graphql for this spec: every operation becomes a root
 * field, and the caller's bearer token is forwarded to each REST call.
 */
export async function composeMeshSupergraph(endpoint: string, variant: MeshVariant): Promise<string> {
  const spec = specFor(variant);
  try {
    return await getComposedSchemaFromConfig(
      {
        subgraphs: [
          {
            sourceHandler: loadOpenAPISubgraph('Inbox', {
              source: spec.path,
              endpoint,
              operationHeaders: { Authorization: '{context.headers.authorization}' },
            }),
          },
        ],
      },
      new DefaultLogger('mesh-compose', LogLevel.error),
    );
  } finally {
    spec.dispose();
  }
}
