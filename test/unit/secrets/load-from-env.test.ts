import {
  loadSecretsProviderFromEnv,
  parsePinnedVersions,
  parseSecretsEnv,
} from '../../../src/secrets/load-from-env';

const vaultEnv = { SECRETS_PROVIDER: 'vault', VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_TOKEN: 'hvs.x' };

describe('loadSecretsProviderFromEnv', () => {
  it('defaults to the env provider, reading the given environment', async () => {
    const provider = loadSecretsProviderFromEnv({ LLM_API_KEY: 'sk-1' });
    expect(provider.kind).toBe('env');
    await expect(provider.getSecret('LLM_API_KEY')).resolves.toBe('sk-1');
    expect(loadSecretsProviderFromEnv({ SECRETS_PROVIDER: '' }).kind).toBe('env');
  });

  it('builds a vault provider with the documented defaults', async () => {
    expect(parseSecretsEnv(vaultEnv)).toEqual({
      provider: 'vault',
      vault: {
        address: 'http://127.0.0.1:8200',
        auth: { method: 'token', token: 'hvs.x' },
        namespace: undefined,
        kvMount: 'secret',
        secretPath: 'tradeflow',
        pinnedVersions: {},
        cacheTtlMs: 60_000,
        rotationOverlapMs: 3_600_000,
        requestTimeoutMs: 5_000,
        caCertPath: undefined,
      },
    });
    const provider = loadSecretsProviderFromEnv(vaultEnv);
    expect(provider.kind).toBe('vault');
    await provider.close();
  });

  it('reads every option', () => {
    const settings = parseSecretsEnv({
      SECRETS_PROVIDER: 'vault',
      VAULT_ADDR: 'https://vault.internal:8200',
      VAULT_ROLE_ID: 'role',
      VAULT_SECRET_ID: 'sid',
      VAULT_APPROLE_MOUNT: 'tf-approle',
      VAULT_NAMESPACE: 'ops',
      VAULT_KV_MOUNT: 'kv',
      VAULT_SECRET_PATH: 'apps/tradeflow',
      VAULT_SECRET_VERSIONS: 'API_SIGNING_SECRET=3, LLM_API_KEY=2',
      SECRETS_CACHE_TTL_MS: '0',
      SECRETS_ROTATION_OVERLAP_MS: '900000',
      VAULT_REQUEST_TIMEOUT_MS: '2500',
      VAULT_CACERT: '/etc/ssl/vault-ca.pem',
    });
    expect(settings).toEqual({
      provider: 'vault',
      vault: {
        address: 'https://vault.internal:8200',
        auth: { method: 'approle', roleId: 'role', secretId: 'sid', mount: 'tf-approle' },
        namespace: 'ops',
        kvMount: 'kv',
        secretPath: 'apps/tradeflow',
        pinnedVersions: { API_SIGNING_SECRET: 3, LLM_API_KEY: 2 },
        cacheTtlMs: 0,
        rotationOverlapMs: 900_000,
        requestTimeoutMs: 2_500,
        caCertPath: '/etc/ssl/vault-ca.pem',
      },
    });
  });

  it('infers the auth method from the one credential present; VAULT_AUTH_METHOD chooses among several', () => {
    const auth = (env: Record<string, string>) => {
      const s = parseSecretsEnv({ SECRETS_PROVIDER: 'vault', VAULT_ADDR: 'http://v:8200', ...env });
      return s.provider === 'vault' ? s.vault.auth : undefined;
    };
    expect(auth({ VAULT_K8S_ROLE: 'tradeflow' })).toEqual({
      method: 'kubernetes',
      role: 'tradeflow',
      jwtPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      mount: 'kubernetes',
    });
    expect(
      auth({ VAULT_K8S_ROLE: 'r', VAULT_K8S_MOUNT: 'k8s-prod', VAULT_K8S_TOKEN_PATH: '/t' }),
    ).toMatchObject({
      mount: 'k8s-prod',
      jwtPath: '/t',
    });
    expect(auth({ VAULT_TOKEN: 't', VAULT_ROLE_ID: 'r', VAULT_AUTH_METHOD: 'approle' })).toMatchObject({
      method: 'approle',
    });
  });

  it.each([
    [{ SECRETS_PROVIDER: 'aws' }, 'SECRETS_PROVIDER must be env or vault, got "aws"'],
    [{ SECRETS_PROVIDER: 'vault' }, 'SECRETS_PROVIDER=vault needs VAULT_ADDR'],
    [{ ...vaultEnv, VAULT_ADDR: 'vault:8200' }, 'VAULT_ADDR must be an http(s) URL, got "vault:8200"'],
    [{ ...vaultEnv, VAULT_ADDR: 'not a url' }, 'VAULT_ADDR must be an http(s) URL'],
    [
      { SECRETS_PROVIDER: 'vault', VAULT_ADDR: 'http://v:8200' },
      'needs credentials: set VAULT_TOKEN, or VAULT_ROLE_ID',
    ],
    [
      { ...vaultEnv, VAULT_ROLE_ID: 'r' },
      'Several Vault credentials are set (token, approle); choose one with VAULT_AUTH_METHOD',
    ],
    [
      { ...vaultEnv, VAULT_AUTH_METHOD: 'ldap' },
      'VAULT_AUTH_METHOD must be token, approle or kubernetes, got "ldap"',
    ],
    [{ ...vaultEnv, VAULT_AUTH_METHOD: 'kubernetes' }, 'VAULT_AUTH_METHOD=kubernetes needs VAULT_K8S_ROLE'],
    [{ ...vaultEnv, VAULT_AUTH_METHOD: 'approle' }, 'VAULT_AUTH_METHOD=approle needs VAULT_ROLE_ID'],
    [
      { ...vaultEnv, SECRETS_CACHE_TTL_MS: '1.5' },
      'SECRETS_CACHE_TTL_MS must be a whole number >= 0 (milliseconds), got "1.5"',
    ],
    [{ ...vaultEnv, SECRETS_CACHE_TTL_MS: '-1' }, 'SECRETS_CACHE_TTL_MS must be a whole number'],
    [{ ...vaultEnv, VAULT_REQUEST_TIMEOUT_MS: '0' }, 'VAULT_REQUEST_TIMEOUT_MS must be a whole number >= 1'],
    [
      { ...vaultEnv, SECRETS_CACHE_TTL_MS: '120000', SECRETS_ROTATION_OVERLAP_MS: '60000' },
      'SECRETS_ROTATION_OVERLAP_MS (60000) must be at least SECRETS_CACHE_TTL_MS (120000)',
    ],
    [
      { ...vaultEnv, VAULT_SECRET_VERSIONS: 'API_SIGNING_SECRET:3' },
      'VAULT_SECRET_VERSIONS entries look like NAME=VERSION',
    ],
    [
      { ...vaultEnv, VAULT_SECRET_VERSIONS: 'DB_PASSWORD=3' },
      'VAULT_SECRET_VERSIONS names an unknown secret "DB_PASSWORD"',
    ],
    [{ ...vaultEnv, VAULT_SECRET_VERSIONS: 'LLM_API_KEY=0' }, "LLM_API_KEY's version must be >= 1"],
    [
      { ...vaultEnv, VAULT_CACERT: '/nonexistent/ca.pem' },
      'VAULT_CACERT=/nonexistent/ca.pem cannot be read (ENOENT)',
    ],
  ])('fails fast naming the variable: %j', (env, message) => {
    let error: unknown;
    try {
      loadSecretsProviderFromEnv(env);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'SecretsError', code: 'CONFIG' });
    expect((error as Error).message).toContain(message);
    // Never echoes a credential it was given.
    expect((error as Error).message).not.toContain('hvs.x');
  });

  it('parsePinnedVersions: empty means no pins', () => {
    expect(parsePinnedVersions(undefined)).toEqual({});
    expect(parsePinnedVersions(' , ')).toEqual({});
  });
});
