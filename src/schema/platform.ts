import { builder } from './builder.js';

export const PlatformEnum = builder.enumType('Platform', {
  description: 'The social platform of an account link, prospect or conversation.',
  values: {
    TWITTER: { value: 'twitter', description: 'X (formerly Twitter).' },
    SANDBOX: { value: 'sandbox', description: 'Inbox sandbox conversations, for testing.' },
  } as const,
});
