/** The secrets module: one provider interface, `env` and `vault` providers, rotation helpers. */
export * from './secrets-provider';
export * from './errors';
export * from './cache';
export * from './rotation';
export * from './token-renewal';
export * from './vault-provider';
export * from './load-from-env';
