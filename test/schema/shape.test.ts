import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

/**
 * Shapes of the public schema that clients build on. The whole printed schema is pinned by
 * schema-files.test.ts (schema/*.graphql must match the code); these are the rules behind it.
 */

/** The list and campaign mutations: each takes one non-null `input` and returns a payload. */
const LIST_AND_CAMPAIGN_MUTATIONS = [
  'addListLeads',
  'removeListLeads',
  'updateListLead',
  'createListImportJob',
  'enableCampaign',
  'addCampaignLeads',
  'cancelCampaignLead',
  'updateCampaignRules',
  'replaceCampaignSequence',
  'updateCampaignColumn',
];

describe('the shapes clients rely on', () => {
  it.each(LIST_AND_CAMPAIGN_MUTATIONS)('Mutation.%s exists and takes one non-null `input`', (name) => {
    const field = schema.getMutationType()?.getFields()[name];
    expect(field?.args.map((argument) => `${argument.name}: ${argument.type}`)).toEqual([
      expect.stringMatching(/^input: \w+Input!$/),
    ]);
    // Nullable: a refused write is null with its error, beside the other writes of the operation.
    expect(String(field?.type)).toMatch(/Payload$/);
  });

  it.each(['ThreadConnection', 'MessageConnection', 'EventConnection'])(
    '%s is a Relay connection: edges { cursor node }, pageInfo { hasNextPage endCursor }',
    (name) => {
      const connection = schema.getType(name);
      if (!isObjectType(connection)) throw new Error(`${name} is missing`);
      const edge = getNamedType(connection.getFields().edges?.type);
      const pageInfo = getNamedType(connection.getFields().pageInfo?.type);
      if (!isObjectType(edge) || !isObjectType(pageInfo)) throw new Error(`${name} has no edges or pageInfo`);
      expect(String(connection.getFields().edges?.type)).toMatch(/^\[\w+Edge!\]!$/);
      expect(String(edge.getFields().cursor?.type)).toBe('String!');
      expect(String(edge.getFields().node?.type)).toMatch(/!$/);
      expect(String(pageInfo.getFields().hasNextPage?.type)).toBe('Boolean!');
      expect(String(pageInfo.getFields().endCursor?.type)).toBe('String');
    },
  );
});

describe('documentation shows in GraphiQL', () => {
  const ours = Object.values(schema.getTypeMap()).filter(
    (type) => !type.name.startsWith('_') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name),
  );

  it.each(ours.map((type) => [type.name, type] as const))(
    '%s and its fields have descriptions',
    (_name, type) => {
      const undocumented: string[] = [];
      if (!type.description) undocumented.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (field.name.startsWith('_')) continue;
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues())
          if (!value.description) undocumented.push(`${type.name}.${value.name}`);
      }
      if (isUnionType(type) && !type.description) undocumented.push(type.name);
      expect(undocumented).toEqual([]);
    },
  );
});
