import { type GraphQLScalarType, isScalarType } from 'graphql';
import { expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

const dateTime = schema.getType('DateTime') as GraphQLScalarType;

it('DateTime serialises every timestamp as toISOString() would, canonical ones included', () => {
  expect(isScalarType(dateTime)).toBe(true);
  for (const value of [
    '2026-02-20T09:14:05.000Z',
    '2026-12-31T23:59:59.999Z',
    '2026-02-28T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z', // rolled over to March, as a Date does
    '2024-02-29T12:00:00.000Z',
    '2026-02-20T09:14:05Z',
    '2026-02-20T10:14:05.000+01:00',
    new Date(0),
  ]) {
    expect(dateTime.serialize(value)).toBe(new Date(value).toISOString());
  }
  expect(() => dateTime.serialize('not a date')).toThrow('DateTime cannot represent');
});
