/**
 * Builds the secrets provider from environment variables (listed with comments at the end of
 * docs/security.md, "Secrets"). Fails fast with a SecretsError (code CONFIG) naming the missing or malformed variable.
 * An empty value counts as unset, as everywhere in Tradeflow's configuration.
 */
import { readFileSync } from 'node:fs';
import { SecretsError } from './errors';
import {
  createEnvSecretsProvider,
  type EnvSecretsProvider,
  isSecretName,
  type SecretAccessHook,
  type SecretName,
} from './secrets-provider';
import {
  createVaultSecretsProvider,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_K8S_TOKEN_PATH,
  DEFAULT_KV_MOUNT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_ROTATION_OVERLAP_MS,
  DEFAULT_SECRET_PATH,
  type VaultAuth,
  type VaultSecretsProvider,
  type VaultSecretsProviderOptions,
  type VaultTokenEvent,
} from './vault-provider';

export type Env = Record<string, string | undefined>;

export type SecretsSettings =
  | { provider: 'env' }
  | {
      provider: 'vault';
      vault: Omit<VaultSecretsProviderOptions, 'onAccess' | 'onTokenEvent' | 'now' | 'client' | 'caCert'> & {
        /** VAULT_CACERT: the file, read when the provider is built. */
        caCertPath?: string;
      };
    };

export interface LoadSecretsOptions {
  onAccess?: SecretAccessHook;
  onTokenEvent?: (event: VaultTokenEvent) => void;
  now?: () => number;
}

const configError = (message: string) => new SecretsError('CONFIG', message);

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function wholeNumber(env: Env, name: string, fallback: number, min = 0): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw configError(`${name} must be a whole number >= ${min} (milliseconds), got "${raw}"`);
  }
  return n;
}

/** "API_SIGNING_SECRET=3,LLM_API_KEY=2" → { API_SIGNING_SECRET: 3, LLM_API_KEY: 2 }. */
export function parsePinnedVersions(raw: string | undefined): Partial<Record<SecretName, number>> {
  const pins: Partial<Record<SecretName, number>> = {};
  if (!raw) return pins;
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([A-Z0-9_]+)=(\d+)$/.exec(part);
    if (!match) {
      throw configError(
        `VAULT_SECRET_VERSIONS entries look like NAME=VERSION (e.g. API_SIGNING_SECRET=3), got "${part}"`,
      );
    }
    const [, name, version] = match;
    if (!isSecretName(name)) throw configError(`VAULT_SECRET_VERSIONS names an unknown secret "${name}"`);
    if (Number(version) < 1) throw configError(`VAULT_SECRET_VERSIONS: ${name}'s version must be >= 1`);
    pins[name] = Number(version);
  }
  return pins;
}

function vaultAuth(env: Env): VaultAuth {
  const token = read(env, 'VAULT_TOKEN');
  const roleId = read(env, 'VAULT_ROLE_ID');
  const k8sRole = read(env, 'VAULT_K8S_ROLE');
  const explicit = read(env, 'VAULT_AUTH_METHOD');
  let method: VaultAuth['method'];
  if (explicit !== undefined) {
    if (explicit !== 'token' && explicit !== 'approle' && explicit !== 'kubernetes') {
      throw configError(`VAULT_AUTH_METHOD must be token, approle or kubernetes, got "${explicit}"`);
    }
    method = explicit;
  } else {
    const present = [
      ...(token ? (['token'] as const) : []),
      ...(roleId ? (['approle'] as const) : []),
      ...(k8sRole ? (['kubernetes'] as const) : []),
    ];
    if (present.length === 0) {
      throw configError(
        'SECRETS_PROVIDER=vault needs credentials: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole), ' +
          'or VAULT_K8S_ROLE (Kubernetes)',
      );
    }
    if (present.length > 1) {
      throw configError(
        `Several Vault credentials are set (${present.join(', ')}); choose one with VAULT_AUTH_METHOD`,
      );
    }
    method = present[0];
  }
  switch (method) {
    case 'token':
      if (!token) throw configError('VAULT_AUTH_METHOD=token needs VAULT_TOKEN');
      return { method, token };
    case 'approle':
      if (!roleId)
        throw configError('VAULT_AUTH_METHOD=approle needs VAULT_ROLE_ID (and usually VAULT_SECRET_ID)');
      return {
        method,
        roleId,
        secretId: read(env, 'VAULT_SECRET_ID'),
        mount: read(env, 'VAULT_APPROLE_MOUNT') ?? 'approle',
      };
    case 'kubernetes':
      if (!k8sRole) throw configError('VAULT_AUTH_METHOD=kubernetes needs VAULT_K8S_ROLE');
      return {
        method,
        role: k8sRole,
        jwtPath: read(env, 'VAULT_K8S_TOKEN_PATH') ?? DEFAULT_K8S_TOKEN_PATH,
        mount: read(env, 'VAULT_K8S_MOUNT') ?? 'kubernetes',
      };
  }
}

/** Reads and checks the secrets variables without connecting anywhere. */
export function parseSecretsEnv(env: Env): SecretsSettings {
  const provider = read(env, 'SECRETS_PROVIDER') ?? 'env';
  if (provider !== 'env' && provider !== 'vault') {
    throw configError(`SECRETS_PROVIDER must be env or vault, got "${provider}"`);
  }
  if (provider === 'env') return { provider };

  const address = read(env, 'VAULT_ADDR');
  if (!address)
    throw configError('SECRETS_PROVIDER=vault needs VAULT_ADDR (e.g. https://vault.internal:8200)');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw configError(`VAULT_ADDR must be an http(s) URL, got "${address}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(`VAULT_ADDR must be an http(s) URL, got "${address}"`);
  }
  const cacheTtlMs = wholeNumber(env, 'SECRETS_CACHE_TTL_MS', DEFAULT_CACHE_TTL_MS);
  const rotationOverlapMs = wholeNumber(env, 'SECRETS_ROTATION_OVERLAP_MS', DEFAULT_ROTATION_OVERLAP_MS);
  // A process may keep signing with the old value until its cache expires; the old value must still verify then.
  if (rotationOverlapMs < cacheTtlMs) {
    throw configError(
      `SECRETS_ROTATION_OVERLAP_MS (${rotationOverlapMs}) must be at least SECRETS_CACHE_TTL_MS (${cacheTtlMs}), ` +
        'or processes with a cached old secret would sign what others no longer accept',
    );
  }
  return {
    provider,
    vault: {
      address,
      auth: vaultAuth(env),
      namespace: read(env, 'VAULT_NAMESPACE'),
      kvMount: read(env, 'VAULT_KV_MOUNT') ?? DEFAULT_KV_MOUNT,
      secretPath: read(env, 'VAULT_SECRET_PATH') ?? DEFAULT_SECRET_PATH,
      pinnedVersions: parsePinnedVersions(read(env, 'VAULT_SECRET_VERSIONS')),
      cacheTtlMs,
      rotationOverlapMs,
      requestTimeoutMs: wholeNumber(env, 'VAULT_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1),
      caCertPath: read(env, 'VAULT_CACERT'),
    },
  };
}

/** The provider SECRETS_PROVIDER selects (env by default), configured from the other variables. */
export function loadSecretsProviderFromEnv(
  env: Env = process.env,
  options: LoadSecretsOptions = {},
): EnvSecretsProvider | VaultSecretsProvider {
  const settings = parseSecretsEnv(env);
  if (settings.provider === 'env') return createEnvSecretsProvider(env, { onAccess: options.onAccess });
  const { caCertPath, ...vault } = settings.vault;
  let caCert: string | undefined;
  if (caCertPath) {
    try {
      caCert = readFileSync(caCertPath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw configError(`VAULT_CACERT=${caCertPath} cannot be read (${code})`);
    }
  }
  return createVaultSecretsProvider({ ...vault, caCert, ...options });
}
