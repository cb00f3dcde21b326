/**
 * Where credentials come from. Code asks the secrets provider for a named secret when it needs it, instead of
 * reading it from the configuration object, so the value never sits in config dumps or logs and another provider
 * (Vault, with rotation) can replace the environment without touching the code that uses it.
 *
 * `env` (the default) reads the process environment, which `.env` fills through dotenv at start-up.
 */

/** The secrets Tradeflow reads; each is listed in .env.example. */
export const SECRET_NAMES = ['LLM_API_KEY'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface SecretsProvider {
  readonly kind: 'env';
  /** The secret's current value, or undefined when it is not set. Callers must never log the value. */
  getSecret(name: SecretName): Promise<string | undefined>;
}

export function createEnvSecretsProvider(source: NodeJS.ProcessEnv = process.env): SecretsProvider {
  return {
    kind: 'env',
    getSecret(name) {
      if (!SECRET_NAMES.includes(name))
        return Promise.reject(new RangeError(`Unknown secret ${String(name)}`));
      const value = source[name];
      // `KEY=` in a .env file means "not set", as for every other variable.
      return Promise.resolve(value === undefined || value.trim() === '' ? undefined : value);
    },
  };
}
