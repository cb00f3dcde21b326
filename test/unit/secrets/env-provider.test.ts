import {
  acceptedSecretValues,
  createEnvSecretsProvider,
  SECRET_NAMES,
  type SecretAccessEvent,
  type SecretsProvider,
} from '../../../src/secrets/secrets-provider';

describe('env secrets provider', () => {
  it('knows the API signing secret', () => {
    expect(SECRET_NAMES).toContain('API_SIGNING_SECRET');
  });

  it('reports every read to onAccess, never with the value', async () => {
    const events: SecretAccessEvent[] = [];
    const provider = createEnvSecretsProvider(
      { API_SIGNING_SECRET: 'hs256-secret' },
      { onAccess: (e) => events.push(e) },
    );
    await expect(provider.getSecret('API_SIGNING_SECRET')).resolves.toBe('hs256-secret');
    await expect(provider.getSecret('NOPE' as 'LLM_API_KEY')).rejects.toThrow('Unknown secret NOPE');
    expect(events).toEqual([
      { action: 'secret.read', name: 'API_SIGNING_SECRET', provider: 'env', result: 'success' },
      {
        action: 'secret.read',
        name: 'NOPE',
        provider: 'env',
        result: 'failure',
        error: 'Unknown secret NOPE',
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('hs256-secret');
  });

  it('accepts exactly the one value the environment holds', async () => {
    const provider = createEnvSecretsProvider({ API_SIGNING_SECRET: 's' });
    await expect(provider.getAcceptedSecrets('API_SIGNING_SECRET')).resolves.toEqual([{ value: 's' }]);
    await expect(provider.getAcceptedSecrets('LLM_API_KEY')).resolves.toEqual([]);
    await expect(provider.close()).resolves.toBeUndefined();
  });

  it('acceptedSecretValues works on a minimal provider without getAcceptedSecrets', async () => {
    const minimal: SecretsProvider = { kind: 'env', getSecret: () => Promise.resolve('only') };
    await expect(acceptedSecretValues(minimal, 'API_SIGNING_SECRET')).resolves.toEqual([{ value: 'only' }]);
    const empty: SecretsProvider = { kind: 'env', getSecret: () => Promise.resolve(undefined) };
    await expect(acceptedSecretValues(empty, 'API_SIGNING_SECRET')).resolves.toEqual([]);
  });
});
