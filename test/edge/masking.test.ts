import { GraphQLError } from 'graphql';
import { expect, it } from 'vitest';
import { MissingTokenError, maskError, UpstreamError } from '../../src/errors.js';

const wrap = (original: Error) =>
  new GraphQLError(original.message, { originalError: original, path: ['team'] });

it('masks unexpected errors: no message, stack, URL or token', () => {
  const leaky = new TypeError('fetch https://inboxapp.com/api/v1/team?x=1 with Bearer s3cret failed');
  const masked = maskError(wrap(leaky), 'Unexpected error.') as GraphQLError;
  const json = JSON.stringify(masked.toJSON());
  expect(masked.message).toBe('Unexpected error.');
  expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', unexpected: true });
  expect(json).not.toMatch(/s3cret|inboxapp\.com|stack|TypeError/);
  expect(masked.path).toEqual(['team']);
});

it('keeps our own coded GraphQL errors', () => {
  const own = new GraphQLError('Bad id', { extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
  expect(maskError(own, 'Unexpected error.')).toBe(own);
});

it('translates upstream failures, keeping the field path', () => {
  const upstream = new UpstreamError({ kind: 'http', method: 'GET', path: '/team', status: 404, code: 'X' });
  const translated = maskError(wrap(upstream), 'Unexpected error.') as GraphQLError;
  expect(translated.extensions).toMatchObject({ code: 'NOT_FOUND', upstream: { status: 404, code: 'X' } });
  expect(translated.path).toEqual(['team']);
});

it('a missing token is UNAUTHENTICATED without upstream details', () => {
  const translated = maskError(wrap(new MissingTokenError()), 'Unexpected error.') as GraphQLError;
  expect(translated.extensions).toEqual({ code: 'UNAUTHENTICATED' });
});
