import { inspect } from 'node:util';
import { isSecretsError, mapVaultError, scrub, SecretsError } from '../../../src/secrets/errors';

const ctx = {
  operation: 'read' as const,
  path: 'secret/data/tradeflow/API_SIGNING_SECRET',
  address: 'http://127.0.0.1:8200',
  authMethod: 'approle',
};
/** What node-vault rejects with when Vault answers with an error status. */
const apiError = (statusCode: number, errors: string[]) =>
  Object.assign(new Error(errors[0] ?? `Status ${statusCode}`), {
    response: { statusCode, body: { errors } },
  });
/** What axios rejects with on a network failure: the request config, token header included. */
const networkError = (code: string, message: string) =>
  Object.assign(new Error(message), {
    code,
    isAxiosError: true,
    config: { headers: { 'X-Vault-Token': 'hvs.SECRETTOKEN123' }, data: '{"secret_id":"s3cr3t-id"}' },
  });

describe('mapVaultError', () => {
  it('sealed: names the path, the address and what to do', () => {
    const error = mapVaultError(apiError(503, ['Vault is sealed']), ctx);
    expect(error.code).toBe('VAULT_SEALED');
    expect(error.message).toBe(
      'Cannot read secret/data/tradeflow/API_SIGNING_SECRET: Vault at http://127.0.0.1:8200 is sealed; ' +
        'unseal it (vault operator unseal) and retry',
    );
    expect(error.path).toBe(ctx.path);
    expect(error.status).toBe(503);
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNRESET', 'EHOSTUNREACH'])(
    'unreachable (%s): names the path, the address and the network cause',
    (code) => {
      const error = mapVaultError(networkError(code, `connect ${code} 127.0.0.1:8200`), ctx);
      expect(error.code).toBe('VAULT_UNREACHABLE');
      expect(error.message).toContain('Cannot read secret/data/tradeflow/API_SIGNING_SECRET');
      expect(error.message).toContain(`Vault at http://127.0.0.1:8200 is unreachable (${code}`);
      expect(error.message).toContain('check VAULT_ADDR');
    },
  );

  it('unreachable when the code is on an inner error (AggregateError of IPv4 and IPv6 attempts)', () => {
    const aggregate = Object.assign(
      new AggregateError([networkError('ECONNREFUSED', 'connect ECONNREFUSED ::1')], ''),
      {
        code: undefined,
      },
    );
    expect(mapVaultError(aggregate, ctx).code).toBe('VAULT_UNREACHABLE');
  });

  it('403: permission denied, pointing at token expiry or policy', () => {
    const error = mapVaultError(apiError(403, ['1 error occurred:\n\t* permission denied\n\n']), ctx);
    expect(error.code).toBe('VAULT_PERMISSION_DENIED');
    expect(error.message).toBe(
      'Cannot read secret/data/tradeflow/API_SIGNING_SECRET: permission denied (HTTP 403: permission denied); ' +
        'the token from the approle login has expired or been revoked, or its policy does not allow this path',
    );
    expect(
      mapVaultError(apiError(403, ['permission denied']), { ...ctx, authMethod: 'token' }).message,
    ).toContain('the Vault token has expired');
  });

  it('a refused login is an auth failure with Vault’s reason', () => {
    const error = mapVaultError(apiError(400, ['invalid role or secret ID']), {
      ...ctx,
      operation: 'log in at',
      path: 'auth/approle/login',
    });
    expect(error.code).toBe('VAULT_AUTH_FAILED');
    expect(error.message).toBe(
      'Cannot log in at auth/approle/login: Vault refused the approle login (HTTP 400: invalid role or secret ID)',
    );
  });

  it('404, check-and-set conflicts and other statuses', () => {
    expect(mapVaultError(apiError(404, []), ctx).code).toBe('VAULT_NOT_FOUND');
    const cas = mapVaultError(apiError(400, ['check-and-set parameter did not match the current version']), {
      ...ctx,
      operation: 'write',
    });
    expect(cas.code).toBe('VAULT_CAS_CONFLICT');
    expect(cas.message).toContain('Cannot write secret/data/tradeflow/API_SIGNING_SECRET');
    const other = mapVaultError(apiError(500, ['internal error']), ctx);
    expect(other.code).toBe('VAULT_ERROR');
    expect(other.message).toContain('answered HTTP 500: internal error');
  });

  it('keeps neither the raw error (whose request holds the token) nor any sensitive string', () => {
    const raw = networkError('ECONNREFUSED', 'connect ECONNREFUSED while sending s3cr3t-id');
    const error = mapVaultError(raw, { ...ctx, sensitive: ['hvs.SECRETTOKEN123', 's3cr3t-id'] });
    const everything = inspect(error, { depth: Infinity, showHidden: true }) + JSON.stringify(error);
    expect(everything).not.toContain('hvs.SECRETTOKEN123');
    expect(everything).not.toContain('s3cr3t-id');
    expect(error.message).toContain('[redacted]');
    expect(error.cause).toBeUndefined();
  });

  it('passes a SecretsError through unchanged and recognises it by name', () => {
    const original = new SecretsError('CONFIG', 'bad');
    expect(mapVaultError(original, ctx)).toBe(original);
    expect(isSecretsError(original)).toBe(true);
    expect(isSecretsError(new Error('x'))).toBe(false);
  });

  it('anything else becomes VAULT_ERROR with its message', () => {
    const error = mapVaultError(new TypeError('boom'), ctx);
    expect(error.code).toBe('VAULT_ERROR');
    expect(error.message).toBe('Cannot read secret/data/tradeflow/API_SIGNING_SECRET: boom');
  });
});

describe('scrub', () => {
  it('replaces sensitive strings, ignoring empty and very short ones', () => {
    expect(scrub('token abcd-1234 and abcd-1234', ['abcd-1234'])).toBe('token [redacted] and [redacted]');
    expect(scrub('a b c', ['', undefined, 'b'])).toBe('a b c');
  });
});
