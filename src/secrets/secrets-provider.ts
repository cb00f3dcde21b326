/**
 * Where credentials come from. Code asks the secrets provider for a named secret when it needs it, instead of
 * reading it from the configuration object, so the value never sits in config dumps or logs and another provider
 * (Vault, with rotation) can replace the environment without touching the code that uses it.
 *
 * `env` (the default) reads the process environment, which `.env` fills through dotenv at start-up.
 * `vault` (./vault-provider) reads HashiCorp Vault KV v2; `loadSecretsProviderFromEnv` (./load-from-env) picks one.
 */

/** The secrets Tradeflow reads; each is listed in .env.example. */
export const SECRET_NAMES = [
  'LLM_API_KEY',
  'API_SIGNING_SECRET',
  'TRADEFLOW_BOOTSTRAP_ADMIN_KEY',
  'TEMPORAL_API_KEY',
  /** The audit chain's HMAC key (src/audit/keys.ts). */
  'AUDIT_HMAC_KEY',
  /** Former AUDIT_HMAC_KEY values (env provider), comma-separated, so rows keyed with them still verify. */
  'AUDIT_HMAC_RETIRED_KEYS',
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/**
 * Secrets Tradeflow generates itself and may therefore rotate with random bytes. LLM_API_KEY is issued by the model
 * vendor: rotate it there, then write the new value to Vault.
 */
export const ROTATABLE_SECRET_NAMES = [
  'API_SIGNING_SECRET',
  'AUDIT_HMAC_KEY',
] as const satisfies readonly SecretName[];
export type RotatableSecretName = (typeof ROTATABLE_SECRET_NAMES)[number];

export type SecretsProviderKind = 'env' | 'vault';

/** What the provider reports on every read and rotation, for the audit log. Never carries the secret's value. */
export interface SecretAccessEvent {
  action: 'secret.read' | 'secret.rotate';
  name: string;
  provider: string;
  /** The KV version read or written (Vault only). */
  version?: number;
  result: 'success' | 'failure';
  /** The error message on failure; messages never contain secret values or tokens. */
  error?: string;
  /** True when the value came from the provider's in-memory cache rather than from Vault. */
  cached?: boolean;
}
export type SecretAccessHook = (event: SecretAccessEvent) => void;

/** A value to accept, newest first (see getAcceptedSecrets). */
export interface AcceptedSecret {
  value: string;
  /** The KV version (Vault); undefined for the env provider. */
  version?: number;
  /** Accept until then (epoch ms) when this is the previous version inside the overlap window. */
  acceptUntil?: number;
}

export interface SecretsProvider {
  readonly kind: SecretsProviderKind;
  /** The secret's current value, or undefined when it is not set. Callers must never log the value. */
  getSecret(name: SecretName): Promise<string | undefined>;
  /**
   * The values a verifier should accept now: the current one first, then (Vault, within the overlap window after a
   * rotation) the previous one. Empty when the secret is not set. Optional so minimal test doubles stay minimal; use
   * `acceptedSecretValues(provider, name)` to call it on any provider.
   */
  getAcceptedSecrets?(name: SecretName): Promise<AcceptedSecret[]>;
  /** Stops background work (token renewal timers). Optional for the same reason. */
  close?(): Promise<void>;
}

/** `provider.getAcceptedSecrets(name)` when the provider has it, else the current value alone. */
export async function acceptedSecretValues(
  provider: SecretsProvider,
  name: SecretName,
): Promise<AcceptedSecret[]> {
  if (provider.getAcceptedSecrets) return provider.getAcceptedSecrets(name);
  const value = await provider.getSecret(name);
  return value === undefined ? [] : [{ value }];
}

export function isSecretName(name: string): name is SecretName {
  return (SECRET_NAMES as readonly string[]).includes(name);
}

export function isRotatableSecretName(name: string): name is RotatableSecretName {
  return (ROTATABLE_SECRET_NAMES as readonly string[]).includes(name);
}

/** Calls the audit hook; a failing hook must not turn a good read into a failed one, nor leak into the caller. */
export function notifyAccess(hook: SecretAccessHook | undefined, event: SecretAccessEvent): void {
  if (!hook) return;
  try {
    hook(event);
  } catch {
    // The hook owns its own error reporting (the audit logger); reading secrets goes on.
  }
}

export interface EnvSecretsProviderOptions {
  onAccess?: SecretAccessHook;
}

export interface EnvSecretsProvider extends SecretsProvider {
  readonly kind: 'env';
  getAcceptedSecrets(name: SecretName): Promise<AcceptedSecret[]>;
  close(): Promise<void>;
}

export function createEnvSecretsProvider(
  source: NodeJS.ProcessEnv = process.env,
  options: EnvSecretsProviderOptions = {},
): EnvSecretsProvider {
  const read = (name: SecretName): Promise<string | undefined> => {
    if (!isSecretName(name)) {
      const error = new RangeError(`Unknown secret ${String(name)}`);
      notifyAccess(options.onAccess, {
        action: 'secret.read',
        name: String(name),
        provider: 'env',
        result: 'failure',
        error: error.message,
      });
      return Promise.reject(error);
    }
    const value = source[name];
    notifyAccess(options.onAccess, { action: 'secret.read', name, provider: 'env', result: 'success' });
    // `KEY=` in a .env file means "not set", as for every other variable.
    return Promise.resolve(value === undefined || value.trim() === '' ? undefined : value);
  };
  return {
    kind: 'env',
    getSecret: read,
    // The environment holds one value per name, so there is no previous version to accept.
    async getAcceptedSecrets(name) {
      const value = await read(name);
      return value === undefined ? [] : [{ value }];
    },
    close: () => Promise.resolve(),
  };
}
