/** What a token may do: every management command needs one, and a webhook runs with the ones its configuration was saved with. */
export const permissions = [
  'webhooks:read',
  'webhooks:write',
  'events:read',
  'events:write',
  'processes:read',
  'processes:write',
] as const;
export type Permission = (typeof permissions)[number];
