/**
 * The `vault` secrets provider: HashiCorp Vault KV v2 through node-vault.
 *
 * Layout: each secret is its own KV v2 entry `<kvMount>/data/<secretPath>/<NAME>` holding one field, `value`
 * (e.g. `vault kv put -mount=secret tradeflow/API_SIGNING_SECRET value=...`), so each secret has its own version
 * history: pinning and rotation work per secret.
 *
 * Auth: a token (VAULT_TOKEN), AppRole (role_id + secret_id) or Kubernetes (the pod's service-account JWT). The token
 * is renewed with renew-self once 3/4 of its TTL has passed (see token-renewal.ts) — checked before each request and
 * by an unref'd background timer; AppRole and Kubernetes log in again when the token cannot be renewed any further
 * or Vault rejects it.
 *
 * Reads are cached in memory for `cacheTtlMs`. Every read and rotation is reported to `onAccess` (never the value).
 * Errors are SecretsErrors that name the path and the cause, and never contain a token or secret value.
 */
import { readFile } from 'node:fs/promises';
import nodeVault from 'node-vault';
import { TtlCache } from './cache';
import { isSecretsError, mapVaultError, SecretsError, type VaultOperation } from './errors';
import { acceptedSecrets, generateSecretValue } from './rotation';
import {
  type AcceptedSecret,
  isRotatableSecretName,
  isSecretName,
  notifyAccess,
  type SecretAccessHook,
  type SecretName,
  type SecretsProvider,
} from './secrets-provider';
import {
  afterRenewal,
  DEFAULT_RENEW_FRACTION,
  renewalDueAt,
  tokenAction,
  tokenExpiresAt,
  type TokenLease,
} from './token-renewal';

export const DEFAULT_KV_MOUNT = 'secret';
export const DEFAULT_SECRET_PATH = 'tradeflow';
export const DEFAULT_CACHE_TTL_MS = 60_000;
export const DEFAULT_ROTATION_OVERLAP_MS = 3_600_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
export const DEFAULT_K8S_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** The KV v2 field holding each secret's value. */
export const SECRET_VALUE_FIELD = 'value';

export type VaultAuth =
  | { method: 'token'; token: string }
  | { method: 'approle'; roleId: string; secretId?: string; mount?: string }
  | {
      method: 'kubernetes';
      role: string;
      /** The service-account JWT; read from `jwtPath` at each login when absent (Kubernetes rotates it). */
      jwt?: string;
      jwtPath?: string;
      mount?: string;
    };

export type VaultAuthMethod = VaultAuth['method'];

/** Token lifecycle notices for the application log (no token values). */
export interface VaultTokenEvent {
  type: 'login' | 'renewed' | 'renew-failed' | 'login-failed';
  authMethod: VaultAuthMethod;
  /** The token's TTL after the event, in seconds (0 = never expires). */
  ttlSeconds?: number;
  error?: string;
}

export interface VaultSecretsProviderOptions {
  /** VAULT_ADDR, e.g. https://vault.internal:8200. */
  address: string;
  auth: VaultAuth;
  /** Vault Enterprise namespace (X-Vault-Namespace). */
  namespace?: string;
  /** The KV v2 mount; default "secret". */
  kvMount?: string;
  /** The folder under the mount holding one entry per secret; default "tradeflow". */
  secretPath?: string;
  /** Read these exact KV versions instead of the latest (pinning); rotation ignores pins. */
  pinnedVersions?: Partial<Record<SecretName, number>>;
  /** How long reads are served from memory; 0 disables the cache. Default 60 s. */
  cacheTtlMs?: number;
  /** How long after a rotation the previous version is still accepted. Default 1 h. */
  rotationOverlapMs?: number;
  /** Per-request timeout; default 5 s. */
  requestTimeoutMs?: number;
  /** Renew the token once this fraction of its TTL has passed; default 0.75. */
  renewFraction?: number;
  /** PEM CA bundle to trust for an https VAULT_ADDR (VAULT_CACERT). */
  caCert?: string;
  onAccess?: SecretAccessHook;
  onTokenEvent?: (event: VaultTokenEvent) => void;
  /** The clock (tests); default Date.now. */
  now?: () => number;
  /** A node-vault client to use instead of creating one (tests). */
  client?: nodeVault.client;
  /** Background renewal timer; default on. Reads renew a due token anyway. */
  backgroundRenewal?: boolean;
}

export interface VaultSecretVersion {
  value: string;
  version: number;
  /** The version's created_time, epoch ms. */
  createdAt: number;
}

export interface RotationResult {
  name: SecretName;
  /** The Vault path written, e.g. secret/data/tradeflow/API_SIGNING_SECRET. */
  path: string;
  version: number;
  /** 0 when the secret did not exist before. */
  previousVersion: number;
  createdAt: number;
  /** Until when verifiers still accept the previous version (epoch ms); undefined without a previous version. */
  previousAcceptedUntil?: number;
}

/** What the provider can say about its token (never the token itself). */
export interface VaultTokenInfo {
  authMethod: VaultAuthMethod;
  authenticated: boolean;
  /** epoch ms, undefined for a token that never expires. */
  expiresAt?: number;
  renewable: boolean;
  renewals: number;
  logins: number;
}

export interface VaultSecretsProvider extends SecretsProvider {
  readonly kind: 'vault';
  readonly address: string;
  /** The latest value (or the pinned version's); undefined when the secret does not exist. */
  getSecret(name: SecretName): Promise<string | undefined>;
  /** One exact version; throws VAULT_NOT_FOUND when it does not exist or was deleted/destroyed. */
  getSecretVersion(name: SecretName, version: number): Promise<VaultSecretVersion>;
  /** Latest (or pinned) value with its version; undefined when the secret does not exist. */
  readSecret(name: SecretName): Promise<VaultSecretVersion | undefined>;
  getAcceptedSecrets(name: SecretName): Promise<AcceptedSecret[]>;
  /** Writes a new random version (check-and-set on the current version) and returns its number, never the value. */
  rotateSecret(name: SecretName): Promise<RotationResult>;
  /** The Vault API path of a secret's data, e.g. secret/data/tradeflow/API_SIGNING_SECRET. */
  dataPath(name: SecretName): string;
  tokenInfo(): VaultTokenInfo;
  /** Drops cached values (all, or one secret's). */
  clearCache(name?: SecretName): void;
  close(): Promise<void>;
}

type CachedRead = { found: false } | ({ found: true } & VaultSecretVersion);

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');

function authPath(auth: VaultAuth): string {
  switch (auth.method) {
    case 'token':
      return 'auth/token/lookup-self';
    case 'approle':
      return `auth/${trimSlashes(auth.mount ?? 'approle')}/login`;
    case 'kubernetes':
      return `auth/${trimSlashes(auth.mount ?? 'kubernetes')}/login`;
  }
}

interface KvReadResponse {
  data?: {
    data?: Record<string, unknown> | null;
    metadata?: { version?: number; created_time?: string; deletion_time?: string; destroyed?: boolean };
  };
}

interface AuthResponse {
  auth?: { client_token?: string; lease_duration?: number; renewable?: boolean };
}

interface LookupResponse {
  data?: { ttl?: number; renewable?: boolean };
}

export function createVaultSecretsProvider(options: VaultSecretsProviderOptions): VaultSecretsProvider {
  const address = options.address.replace(/\/+$/, '');
  const auth = options.auth;
  const kvMount = trimSlashes(options.kvMount ?? DEFAULT_KV_MOUNT);
  const secretPath = trimSlashes(options.secretPath ?? DEFAULT_SECRET_PATH);
  const overlapMs = options.rotationOverlapMs ?? DEFAULT_ROTATION_OVERLAP_MS;
  const renewFraction = options.renewFraction ?? DEFAULT_RENEW_FRACTION;
  const now = options.now ?? (() => Date.now());
  const pinned = options.pinnedVersions ?? {};
  const canLogin = auth.method !== 'token';
  const cache = new TtlCache<CachedRead>({ ttlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, now });
  if (!(overlapMs >= 0)) throw new RangeError(`rotationOverlapMs must be >= 0, got ${overlapMs}`);
  renewalDueAt({ obtainedAt: 0, ttlMs: 1, renewable: true, extendable: true }, renewFraction); // validates

  const client =
    options.client ??
    nodeVault({
      endpoint: address,
      apiVersion: 'v1',
      namespace: options.namespace,
      // node-vault's debug output prints request bodies (a rotation's new value, a login's secret_id): keep it off.
      debug: () => undefined,
      requestOptions: {
        timeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        ...(options.caCert ? { ca: options.caCert } : {}),
      },
    });
  // node-vault falls back to process.env.VAULT_TOKEN; only the configured auth decides which token is sent.
  client.token = auth.method === 'token' ? auth.token : '';

  let lease: TokenLease | undefined;
  let authInFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let renewals = 0;
  let logins = 0;
  let lastJwt: string | undefined;
  /** Values that must never appear in an error message. */
  const sensitive = (): (string | undefined)[] => [
    client.token,
    auth.method === 'token' ? auth.token : undefined,
    auth.method === 'approle' ? auth.secretId : undefined,
    auth.method === 'kubernetes' ? (auth.jwt ?? lastJwt) : undefined,
  ];
  const fail = (error: unknown, operation: VaultOperation, path: string, extraSensitive: string[] = []) =>
    mapVaultError(error, {
      operation,
      path,
      address,
      authMethod: auth.method,
      sensitive: [...sensitive(), ...extraSensitive],
    });
  const tokenEvent = (event: Omit<VaultTokenEvent, 'authMethod'>) => {
    try {
      options.onTokenEvent?.({ ...event, authMethod: auth.method });
    } catch {
      // A logging hook must not break authentication.
    }
  };

  const dataPath = (name: SecretName) => [kvMount, 'data', secretPath, name].filter(Boolean).join('/');
  const metadataPath = (name: SecretName) =>
    [kvMount, 'metadata', secretPath, name].filter(Boolean).join('/');

  /** Arms the background timer for the next renewal (or, after a failed attempt, a retry `retryInMs` later). */
  function scheduleRenewal(retryInMs?: number): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || options.backgroundRenewal === false || !lease) return;
    const due = retryInMs !== undefined ? now() + retryInMs : renewalDueAt(lease, renewFraction);
    if (due === undefined) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        ensureToken().catch(() => {
          // Reported through onTokenEvent. Retry while the token is still alive (Vault briefly down or sealed);
          // reads retry on their own as well.
          const expiresAt = lease ? tokenExpiresAt(lease) : undefined;
          if (expiresAt !== undefined && expiresAt > now()) {
            scheduleRenewal(Math.max(1_000, Math.min(30_000, (expiresAt - now()) / 2)));
          }
        });
      },
      Math.max(0, due - now()),
    );
    timer.unref();
  }

  async function login(): Promise<void> {
    const path = authPath(auth);
    let response: AuthResponse;
    try {
      if (auth.method === 'approle') {
        response = (await client.approleLogin({
          mount_point: trimSlashes(auth.mount ?? 'approle'),
          role_id: auth.roleId,
          ...(auth.secretId ? { secret_id: auth.secretId } : {}),
        })) as AuthResponse;
      } else if (auth.method === 'kubernetes') {
        const jwt = auth.jwt ?? (await readServiceAccountJwt(auth.jwtPath ?? DEFAULT_K8S_TOKEN_PATH));
        lastJwt = jwt;
        response = (await client.kubernetesLogin({
          mount_point: trimSlashes(auth.mount ?? 'kubernetes'),
          role: auth.role,
          jwt,
        })) as AuthResponse;
      } else {
        // A static token: learn its TTL so it can be renewed in time. A token without the default policy may not
        // look itself up (403): then we cannot time renewals, and the reads themselves say whether it is valid.
        const lookup = (await client.tokenLookupSelf().catch((error: unknown) => {
          if (statusOf(error) !== 403) throw error;
          tokenEvent({ type: 'renew-failed', error: fail(error, 'look up token at', path).message });
          return { data: { ttl: 0, renewable: false } };
        })) as LookupResponse;
        lease = {
          obtainedAt: now(),
          ttlMs: (lookup.data?.ttl ?? 0) * 1000,
          renewable: lookup.data?.renewable ?? false,
          extendable: true,
        };
        logins += 1;
        tokenEvent({ type: 'login', ttlSeconds: lookup.data?.ttl ?? 0 });
        scheduleRenewal();
        return;
      }
    } catch (error) {
      const mapped = fail(error, auth.method === 'token' ? 'look up token at' : 'log in at', path);
      tokenEvent({ type: 'login-failed', error: mapped.message });
      throw mapped;
    }
    const token = response.auth?.client_token;
    if (!token) {
      const error = new SecretsError(
        'VAULT_AUTH_FAILED',
        `Cannot log in at ${path}: Vault returned no token`,
        path,
      );
      tokenEvent({ type: 'login-failed', error: error.message });
      throw error;
    }
    client.token = token;
    const ttlSeconds = response.auth?.lease_duration ?? 0;
    lease = {
      obtainedAt: now(),
      ttlMs: ttlSeconds * 1000,
      renewable: response.auth?.renewable ?? false,
      extendable: true,
    };
    logins += 1;
    tokenEvent({ type: 'login', ttlSeconds });
    scheduleRenewal();
  }

  async function renew(): Promise<void> {
    const current = lease!;
    try {
      const response = (await client.tokenRenewSelf()) as AuthResponse;
      const ttlSeconds = response.auth?.lease_duration ?? 0;
      lease = afterRenewal(current, now(), ttlSeconds * 1000, response.auth?.renewable ?? current.renewable);
      renewals += 1;
      tokenEvent({ type: 'renewed', ttlSeconds });
      scheduleRenewal();
    } catch (error) {
      const mapped = fail(error, 'renew token at', 'auth/token/renew-self');
      tokenEvent({ type: 'renew-failed', error: mapped.message });
      if (canLogin) return login();
      throw mapped;
    }
  }

  /** Logs in the first time, then renews or logs in again when due. Concurrent callers share one attempt. */
  function ensureToken(force?: 'login'): Promise<void> {
    if (authInFlight) return authInFlight;
    const action = force ?? (lease ? tokenAction(lease, now(), canLogin, renewFraction) : 'login');
    if (action === 'none') return Promise.resolve();
    authInFlight = (action === 'renew' ? renew() : login()).finally(() => {
      authInFlight = undefined;
    });
    return authInFlight;
  }

  /** Runs a Vault call with a fresh token; on a 403 an AppRole/Kubernetes client logs in again and retries once. */
  async function withToken<T>(call: () => Promise<T>): Promise<T> {
    if (closed) throw new SecretsError('UNSUPPORTED', 'The Vault secrets provider is closed');
    await ensureToken();
    try {
      return await call();
    } catch (error) {
      if (canLogin && statusOf(error) === 403) {
        await ensureToken('login');
        return call();
      }
      throw error;
    }
  }

  function checkName(name: string): asserts name is SecretName {
    if (!isSecretName(name)) {
      const error = new SecretsError('UNSUPPORTED', `Unknown secret ${String(name)}`);
      notifyAccess(options.onAccess, {
        action: 'secret.read',
        name: String(name),
        provider: 'vault',
        result: 'failure',
        error: error.message,
      });
      throw error;
    }
  }

  /** Reads the latest (version undefined) or one version of a secret, through the cache. */
  async function readVersion(
    name: SecretName,
    version: number | undefined,
  ): Promise<{ read: CachedRead; cached: boolean }> {
    const path = dataPath(name);
    const key = `${name}@${version ?? 'latest'}`;
    const lookup = await cache.getOrLoad(key, async () => {
      let response: KvReadResponse;
      try {
        response = (await withToken(() =>
          client.read(version === undefined ? path : `${path}?version=${version}`),
        )) as KvReadResponse;
      } catch (error) {
        // A missing latest version is "not set", like an unset variable; a missing pinned version is an error.
        if (version === undefined && statusOf(error) === 404) return { found: false };
        if (isSecretsError(error)) throw aboutSecret(error, 'read', path);
        const mapped = fail(error, 'read', path);
        if (mapped.code === 'VAULT_NOT_FOUND') {
          throw new SecretsError(
            'VAULT_NOT_FOUND',
            `Cannot read ${path} version ${version}: that version does not exist or was deleted or destroyed`,
            path,
            404,
          );
        }
        throw mapped;
      }
      return parseKvRead(response, path);
    });
    return { read: lookup.value, cached: lookup.cached };
  }

  function parseKvRead(response: KvReadResponse, path: string): CachedRead {
    const data = response.data?.data;
    const metadata = response.data?.metadata;
    const value = data?.[SECRET_VALUE_FIELD];
    if (typeof value !== 'string') {
      // Name the fields that are there, never their values.
      const fields = data ? Object.keys(data).join(', ') || 'none' : 'none';
      throw new SecretsError(
        'VAULT_BAD_SECRET',
        `Cannot read ${path}: expected a string field "${SECRET_VALUE_FIELD}" (fields present: ${fields})`,
        path,
      );
    }
    const createdAt = Date.parse(metadata?.created_time ?? '');
    return {
      found: true,
      value,
      version: metadata?.version ?? 0,
      createdAt: Number.isNaN(createdAt) ? 0 : createdAt,
    };
  }

  async function audited<T>(
    name: SecretName,
    work: () => Promise<{ result: T; version?: number; cached?: boolean }>,
  ): Promise<T> {
    try {
      const { result, version, cached } = await work();
      notifyAccess(options.onAccess, {
        action: 'secret.read',
        name,
        provider: 'vault',
        result: 'success',
        ...(version !== undefined ? { version } : {}),
        ...(cached !== undefined ? { cached } : {}),
      });
      return result;
    } catch (error) {
      notifyAccess(options.onAccess, {
        action: 'secret.read',
        name,
        provider: 'vault',
        result: 'failure',
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  async function readSecret(name: SecretName): Promise<VaultSecretVersion | undefined> {
    checkName(name);
    const pin = pinned[name];
    return audited(name, async () => {
      const { read, cached } = await readVersion(name, pin);
      if (!read.found) return { result: undefined, cached };
      const { value, version, createdAt } = read;
      return { result: { value, version, createdAt }, version, cached };
    });
  }

  async function getSecretVersion(name: SecretName, version: number): Promise<VaultSecretVersion> {
    checkName(name);
    if (!Number.isInteger(version) || version < 1) {
      throw new SecretsError('UNSUPPORTED', `A KV version is a whole number >= 1, got ${version}`);
    }
    return audited(name, async () => {
      const { read, cached } = await readVersion(name, version);
      // readVersion throws for a missing explicit version; found is always true here.
      if (!read.found) throw new SecretsError('VAULT_NOT_FOUND', `Cannot read ${dataPath(name)}`);
      const { value, createdAt } = read;
      return { result: { value, version: read.version, createdAt }, version: read.version, cached };
    });
  }

  async function getAcceptedSecrets(name: SecretName): Promise<AcceptedSecret[]> {
    const current = await readSecret(name);
    if (!current) return [];
    // A pinned version is the only one accepted: pinning is an explicit operator decision.
    if (pinned[name] !== undefined || current.version < 2)
      return [{ value: current.value, version: current.version }];
    const window = acceptedSecrets(
      [
        { version: current.version, createdAt: current.createdAt },
        { version: current.version - 1, createdAt: 0 },
      ],
      now(),
      overlapMs,
    );
    const accepted: AcceptedSecret[] = [{ value: current.value, version: current.version }];
    const previous = window[1];
    if (previous) {
      try {
        const old = await getSecretVersion(name, previous.version);
        accepted.push({ value: old.value, version: old.version, acceptUntil: previous.acceptUntil });
      } catch (error) {
        // A deleted or destroyed previous version (e.g. withdrawn after a leak) is simply not accepted.
        if (!(isSecretsError(error) && error.code === 'VAULT_NOT_FOUND')) throw error;
      }
    }
    return accepted;
  }

  async function rotateSecret(name: SecretName): Promise<RotationResult> {
    const path = dataPath(name);
    const report = (result: 'success' | 'failure', extra: { version?: number; error?: string }) =>
      notifyAccess(options.onAccess, { action: 'secret.rotate', name, provider: 'vault', result, ...extra });
    try {
      if (!isSecretName(name)) throw new SecretsError('UNSUPPORTED', `Unknown secret ${String(name)}`);
      if (!isRotatableSecretName(name)) {
        throw new SecretsError(
          'UNSUPPORTED',
          `${name} is issued by its vendor, not generated by Tradeflow: rotate it there, then write the new ` +
            `value with \`vault kv put -mount=${kvMount} ${[secretPath, name].filter(Boolean).join('/')} value=-\``,
          path,
        );
      }
      // current_version from the metadata, so a soft-deleted latest version still counts for check-and-set.
      let previousVersion = 0;
      try {
        const metadata = (await withToken(() => client.read(metadataPath(name)))) as {
          data?: { current_version?: number };
        };
        previousVersion = metadata.data?.current_version ?? 0;
      } catch (error) {
        if (statusOf(error) !== 404) throw fail(error, 'read metadata of', metadataPath(name));
      }
      const value = generateSecretValue();
      let written: { data?: { version?: number; created_time?: string } };
      try {
        written = (await withToken(() =>
          client.write(path, { options: { cas: previousVersion }, data: { [SECRET_VALUE_FIELD]: value } }),
        )) as typeof written;
      } catch (error) {
        throw fail(error, 'write', path, [value]);
      }
      cache.deletePrefix(`${name}@`);
      const version = written.data?.version ?? previousVersion + 1;
      const createdAt = Date.parse(written.data?.created_time ?? '') || now();
      report('success', { version });
      return {
        name,
        path,
        version,
        previousVersion,
        createdAt,
        ...(previousVersion > 0 ? { previousAcceptedUntil: createdAt + overlapMs } : {}),
      };
    } catch (error) {
      const mapped = isSecretsError(error) ? aboutSecret(error, 'rotate', path) : error;
      report('failure', { error: mapped instanceof Error ? mapped.message : String(mapped) });
      throw mapped;
    }
  }

  return {
    kind: 'vault',
    address,
    async getSecret(name) {
      return (await readSecret(name))?.value;
    },
    readSecret,
    getSecretVersion,
    getAcceptedSecrets,
    rotateSecret,
    dataPath,
    tokenInfo() {
      return {
        authMethod: auth.method,
        authenticated: lease !== undefined,
        expiresAt: lease ? tokenExpiresAt(lease) : undefined,
        renewable: lease?.renewable ?? false,
        renewals,
        logins,
      };
    },
    clearCache(name) {
      if (name) cache.deletePrefix(`${name}@`);
      else cache.clear();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      cache.clear();
      return Promise.resolve();
    },
  };
}

/** A login/renewal failure names the auth path (or none); say which secret it was for as well. */
function aboutSecret(error: SecretsError, verb: 'read' | 'rotate', path: string): SecretsError {
  if (error.path === path || (error.path !== undefined && !error.path.startsWith('auth/'))) return error;
  return new SecretsError(error.code, `Cannot ${verb} ${path}: ${error.message}`, path, error.status);
}

/** The HTTP status of a raw node-vault error (not of our own SecretsErrors, e.g. from a login). */
function statusOf(error: unknown): number | undefined {
  if (isSecretsError(error)) return undefined;
  const response = (error as { response?: { statusCode?: unknown } } | undefined)?.response;
  return typeof response?.statusCode === 'number' ? response.statusCode : undefined;
}

async function readServiceAccountJwt(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SecretsError(
      'CONFIG',
      `Cannot read the Kubernetes service-account token at ${file} (${code}); set VAULT_K8S_TOKEN_PATH ` +
        'or run inside a pod with a mounted service account',
    );
  }
}
