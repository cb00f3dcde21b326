/**
 * Errors from the secrets providers. Each names what was being done (read, write, login…), the Vault path and the
 * cause, so an operator can act on it from the log line alone.
 *
 * The raw error is deliberately not kept as `cause`: node-vault's errors carry the axios request, whose headers hold
 * the Vault token and whose body can hold a secret_id, a JWT or (on writes) the secret itself. Anything that could be
 * secret is also scrubbed from the messages we build.
 */

export type SecretsErrorCode =
  /** Network failure or timeout: wrong VAULT_ADDR, Vault down, TLS problem. */
  | 'VAULT_UNREACHABLE'
  /** Vault answered 503 "Vault is sealed". */
  | 'VAULT_SEALED'
  /** 403: the token lacks a policy for the path, or it expired / was revoked. */
  | 'VAULT_PERMISSION_DENIED'
  /** 404: the path, or the pinned version, does not exist (or was deleted / destroyed). */
  | 'VAULT_NOT_FOUND'
  /** A login (AppRole, Kubernetes) was refused. */
  | 'VAULT_AUTH_FAILED'
  /** Rotation lost a check-and-set race: someone else wrote a version in between. */
  | 'VAULT_CAS_CONFLICT'
  /** The secret exists but does not have the expected shape (a `value` field holding a string). */
  | 'VAULT_BAD_SECRET'
  /** Any other error answer from Vault. */
  | 'VAULT_ERROR'
  /** A secrets-related environment variable is missing or malformed. */
  | 'CONFIG'
  /** The operation is not available on this provider (rotation on `env`, an unknown secret name). */
  | 'UNSUPPORTED';

export class SecretsError extends Error {
  override readonly name = 'SecretsError';
  constructor(
    readonly code: SecretsErrorCode,
    message: string,
    /** The Vault path involved, when there is one. */
    readonly path?: string,
    /** The HTTP status Vault answered with, when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export function isSecretsError(error: unknown): error is SecretsError {
  // By name, not instanceof: jest's module registry can load this module twice.
  return error instanceof Error && error.name === 'SecretsError' && 'code' in error;
}

export type VaultOperation =
  'read' | 'write' | 'read metadata of' | 'log in at' | 'renew token at' | 'look up token at';

export interface VaultErrorContext {
  operation: VaultOperation;
  /** The Vault API path without the /v1/ prefix, e.g. secret/data/tradeflow/API_SIGNING_SECRET. */
  path: string;
  /** VAULT_ADDR, for the "unreachable" and "sealed" messages. */
  address: string;
  /** e.g. "token", "approle", "kubernetes": helps with 403s. */
  authMethod?: string;
  /** Strings that must never appear in a message (token, secret_id, JWT, secret values). */
  sensitive?: readonly (string | undefined)[];
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_NETWORK',
  'ERR_BAD_RESPONSE',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Replaces every sensitive string (at least 4 characters long, so we never mangle ordinary words) in a text. */
export function scrub(text: string, sensitive: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of sensitive) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}

interface ResponseLike {
  statusCode: number;
  body?: { errors?: unknown };
}

function responseOf(error: unknown): ResponseLike | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const response = error.response;
  if (typeof response !== 'object' || response === null) return undefined;
  // node-vault's ApiResponseError: { statusCode, body }. (axios's own errors have `status` instead; we never see
  // them with a response because node-vault accepts every status.)
  if (typeof (response as { statusCode?: unknown }).statusCode === 'number') return response as ResponseLike;
  return undefined;
}

function vaultMessages(response: ResponseLike): string {
  const errors = response.body?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    // Vault wraps multierrors as "1 error occurred:\n\t* permission denied\n\n"; keep the words.
    return errors
      .map((e) =>
        String(e)
          .replace(/\d+ errors? occurred:/g, '')
          .replace(/\s*\*\s*/g, ' '),
      )
      .join('; ')
      .replace(/\s+/g, ' ')
      .trim();
  }
  return `HTTP ${response.statusCode}`;
}

function networkCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  // axios wraps some network failures in AggregateError (IPv4 + IPv6 attempts) with the code on the inner errors.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) return inner.map(networkCode).find(Boolean);
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

/** Turns whatever node-vault threw into a SecretsError that names the operation, the path and the cause. */
export function mapVaultError(error: unknown, context: VaultErrorContext): SecretsError {
  if (isSecretsError(error)) return error;
  const { operation, path, address } = context;
  const what = `Cannot ${operation} ${path}`;
  const clean = (text: string) => scrub(text, context.sensitive);

  const response = responseOf(error);
  if (response) {
    const detail = clean(vaultMessages(response));
    const status = response.statusCode;
    if (status === 503 && /sealed/i.test(detail)) {
      return new SecretsError(
        'VAULT_SEALED',
        `${what}: Vault at ${address} is sealed; unseal it (vault operator unseal) and retry`,
        path,
        status,
      );
    }
    if (operation === 'log in at' && (status === 400 || status === 403 || status === 401)) {
      return new SecretsError(
        'VAULT_AUTH_FAILED',
        `${what}: Vault refused the ${context.authMethod ?? 'Vault'} login (HTTP ${status}: ${detail})`,
        path,
        status,
      );
    }
    if (status === 403) {
      const token =
        context.authMethod && context.authMethod !== 'token'
          ? `token from the ${context.authMethod} login`
          : 'Vault token';
      return new SecretsError(
        'VAULT_PERMISSION_DENIED',
        `${what}: permission denied (HTTP 403: ${detail}); the ${token} has expired or been revoked, ` +
          'or its policy does not allow this path',
        path,
        status,
      );
    }
    if (status === 404) {
      return new SecretsError('VAULT_NOT_FOUND', `${what}: not found in Vault (HTTP 404)`, path, status);
    }
    if (status === 400 && /check-and-set/i.test(detail)) {
      return new SecretsError(
        'VAULT_CAS_CONFLICT',
        `${what}: another writer created a version first (check-and-set mismatch); retry the rotation`,
        path,
        status,
      );
    }
    return new SecretsError(
      'VAULT_ERROR',
      `${what}: Vault at ${address} answered HTTP ${status}: ${detail}`,
      path,
      status,
    );
  }

  const code = networkCode(error);
  if (code) {
    const reason = clean(messageOf(error)) || code;
    return new SecretsError(
      'VAULT_UNREACHABLE',
      `${what}: Vault at ${address} is unreachable (${code}: ${reason}); check VAULT_ADDR, that Vault is ` +
        'running, and the network/TLS settings',
      path,
    );
  }
  return new SecretsError('VAULT_ERROR', `${what}: ${clean(messageOf(error))}`, path);
}
