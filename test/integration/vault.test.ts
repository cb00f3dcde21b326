/**
 * The Vault secrets provider against a real Vault 1.21.0 dev server (in memory, free port, known root token) that this
 * file starts and stops: KV v2 reads and version pinning, token / AppRole / Kubernetes auth, token renewal, the cache
 * TTL, rotation through `npm run secrets:rotate` and the overlap window, sealed and unreachable Vault.
 * Time-dependent behaviour (renewal, cache expiry, the overlap window) runs on a fake clock, never on real sleeps.
 */
import { execFile } from 'node:child_process';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadSecretsProviderFromEnv } from '../../src/secrets/load-from-env';
import { SignJWT } from 'jose';
import { openStores } from '../../src/store';
import { httpJson, startApiOnly, testConfig, TEST_JWT_AUDIENCE, TEST_JWT_ISSUER } from '../support/harness';
import type { SecretAccessEvent } from '../../src/secrets/secrets-provider';
import {
  createVaultSecretsProvider,
  type VaultSecretsProvider,
  type VaultSecretsProviderOptions,
} from '../../src/secrets/vault-provider';
import { freePort } from '../../src/temporal/free-port';
import { startVaultDevServer, type VaultDevServer } from '../support/vault';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const MINUTE = 60_000;

const READ_POLICY = `
path "secret/data/it/*" { capabilities = ["read"] }
path "secret/metadata/it/*" { capabilities = ["read"] }
`;
const ROTATE_POLICY = `
path "secret/data/it/*" { capabilities = ["create", "update", "read"] }
path "secret/metadata/it/*" { capabilities = ["read"] }
`;

let vault: VaultDevServer;
const providers: VaultSecretsProvider[] = [];

beforeAll(async () => {
  vault = await startVaultDevServer();
  await vault.apiOk('PUT', 'sys/policies/acl/tradeflow-read', { policy: READ_POLICY });
  await vault.apiOk('PUT', 'sys/policies/acl/tradeflow-rotate', { policy: ROTATE_POLICY });
  await vault.apiOk('POST', 'sys/auth/approle', { type: 'approle' });
  await vault.apiOk('POST', 'auth/approle/role/tradeflow', {
    token_policies: ['tradeflow-read'],
    token_ttl: '1h',
    token_max_ttl: '4h',
  });
});

afterAll(async () => {
  await Promise.all(providers.map((p) => p.close()));
  await vault?.stop();
});

/** A fresh folder under secret/it/ per test, so tests never see each other's versions. */
const newSecretPath = () => `it/${randomUUID()}`;

async function putSecret(secretPath: string, name: string, value: string): Promise<number> {
  const body = await vault.apiOk('POST', `secret/data/${secretPath}/${name}`, { data: { value } });
  return body.data.version as number;
}

async function childToken(policy: string, ttl = '1h', explicitMaxTtl = '24h'): Promise<string> {
  const body = await vault.apiOk('POST', 'auth/token/create', {
    policies: [policy],
    ttl,
    explicit_max_ttl: explicitMaxTtl,
    renewable: true,
  });
  return body.auth.client_token as string;
}

function provider(options: Partial<VaultSecretsProviderOptions> & Pick<VaultSecretsProviderOptions, 'auth'>) {
  const p = createVaultSecretsProvider({ address: vault.address, backgroundRenewal: false, ...options });
  providers.push(p);
  return p;
}

function fromEnv(env: Record<string, string>, events?: SecretAccessEvent[]) {
  const p = loadSecretsProviderFromEnv(
    { SECRETS_PROVIDER: 'vault', VAULT_ADDR: vault.address, ...env },
    { onAccess: events ? (e) => events.push(e) : undefined },
  ) as VaultSecretsProvider;
  providers.push(p);
  return p;
}

describe('vault provider on a real Vault dev server', () => {
  it('reads KV v2 secret/data/<path>/<NAME> and reads pinned versions', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'API_SIGNING_SECRET', 'alpha');
    await putSecret(secretPath, 'API_SIGNING_SECRET', 'beta');
    const token = await childToken('tradeflow-read');
    const latest = fromEnv({ VAULT_TOKEN: token, VAULT_SECRET_PATH: secretPath });

    await expect(latest.getSecret('API_SIGNING_SECRET')).resolves.toBe('beta');
    const read = await latest.readSecret('API_SIGNING_SECRET');
    expect(read).toMatchObject({ value: 'beta', version: 2 });
    expect(Math.abs(read!.createdAt - Date.now())).toBeLessThan(MINUTE);
    await expect(latest.getSecretVersion('API_SIGNING_SECRET', 1)).resolves.toMatchObject({
      value: 'alpha',
      version: 1,
    });
    await expect(latest.getSecret('LLM_API_KEY')).resolves.toBeUndefined();

    const pinned = fromEnv({
      VAULT_TOKEN: token,
      VAULT_SECRET_PATH: secretPath,
      VAULT_SECRET_VERSIONS: 'API_SIGNING_SECRET=1',
    });
    await expect(pinned.getSecret('API_SIGNING_SECRET')).resolves.toBe('alpha');

    // A version that does not exist, or was deleted, is a clear error naming the path and version.
    await expect(latest.getSecretVersion('API_SIGNING_SECRET', 7)).rejects.toMatchObject({
      code: 'VAULT_NOT_FOUND',
      message: `Cannot read secret/data/${secretPath}/API_SIGNING_SECRET version 7: that version does not exist or was deleted or destroyed`,
    });
    await vault.apiOk('POST', `secret/delete/${secretPath}/API_SIGNING_SECRET`, { versions: [1] });
    pinned.clearCache();
    await expect(pinned.getSecret('API_SIGNING_SECRET')).rejects.toMatchObject({ code: 'VAULT_NOT_FOUND' });
  });

  it('a token without a policy for the path gets a clear permission error', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'LLM_API_KEY', 'sk-not-for-you');
    const token = await childToken('default');
    const p = provider({ auth: { method: 'token', token }, secretPath });
    const error = await p.getSecret('LLM_API_KEY').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'VAULT_PERMISSION_DENIED' });
    expect((error as Error).message).toBe(
      `Cannot read secret/data/${secretPath}/LLM_API_KEY: permission denied (HTTP 403: permission denied); ` +
        'the Vault token has expired or been revoked, or its policy does not allow this path',
    );
    expect((error as Error).message).not.toContain(token);
  });

  it('logs in with AppRole (role_id + secret_id) and reads with the token it got', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'LLM_API_KEY', 'sk-approle');
    const roleId = (await vault.apiOk('GET', 'auth/approle/role/tradeflow/role-id')).data.role_id as string;
    const secretId = (await vault.apiOk('POST', 'auth/approle/role/tradeflow/secret-id')).data
      .secret_id as string;
    const p = fromEnv({ VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId, VAULT_SECRET_PATH: secretPath });

    await expect(p.getSecret('LLM_API_KEY')).resolves.toBe('sk-approle');
    const info = p.tokenInfo();
    expect(info).toMatchObject({ authMethod: 'approle', authenticated: true, renewable: true, logins: 1 });
    expect(info.expiresAt! - Date.now()).toBeGreaterThan(59 * MINUTE);

    // The role's policy only reads: a rotation is refused, naming the path.
    await expect(p.rotateSecret('API_SIGNING_SECRET')).rejects.toMatchObject({
      code: 'VAULT_PERMISSION_DENIED',
      message: expect.stringContaining(
        `Cannot write secret/data/${secretPath}/API_SIGNING_SECRET: permission denied`,
      ),
    });

    const wrong = fromEnv({
      VAULT_ROLE_ID: roleId,
      VAULT_SECRET_ID: 'not-the-secret-id',
      VAULT_SECRET_PATH: secretPath,
    });
    const error = await wrong.getSecret('LLM_API_KEY').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'VAULT_AUTH_FAILED' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Cannot read secret/data/${secretPath}/LLM_API_KEY: Cannot log in at auth/approle/login: Vault refused the approle login \\(HTTP 400: .+\\)$`,
      ),
    );
    expect((error as Error).message).not.toContain('not-the-secret-id');
  });

  it('renews its token with renew-self once 3/4 of the TTL has passed', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'LLM_API_KEY', 'sk-renew');
    const token = await childToken('tradeflow-read', '1h');
    const clock = { now: Date.now() };
    const p = provider({ auth: { method: 'token', token }, secretPath, cacheTtlMs: 0, now: () => clock.now });
    const lookup = async () => (await vault.apiOk('POST', 'auth/token/lookup', { token })).data;

    await p.getSecret('LLM_API_KEY');
    expect(p.tokenInfo()).toMatchObject({ renewable: true, renewals: 0 });
    expect(p.tokenInfo().expiresAt! - clock.now).toBeGreaterThan(59 * MINUTE);
    expect((await lookup()).last_renewal_time ?? 0).toBe(0);

    clock.now += 44 * MINUTE; // before the renewal point (45 min of 60)
    await p.getSecret('LLM_API_KEY');
    expect(p.tokenInfo().renewals).toBe(0);

    clock.now += 2 * MINUTE;
    await expect(p.getSecret('LLM_API_KEY')).resolves.toBe('sk-renew');
    expect(p.tokenInfo().renewals).toBe(1);
    const renewed = await lookup();
    expect(renewed.last_renewal_time).toBeGreaterThan(0); // Vault itself saw renew-self
    expect(renewed.ttl).toBeGreaterThan(3590);
    // The provider's own view: a fresh hour from the (fake) renewal time, so the next renewal is 45 min later.
    const left = p.tokenInfo().expiresAt! - clock.now;
    expect(left).toBeGreaterThan(3590_000);
    expect(left).toBeLessThanOrEqual(3600_000);
  });

  it('serves reads from memory for the cache TTL, then picks up the new version', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'LLM_API_KEY', 'one');
    const clock = { now: Date.now() };
    const events: SecretAccessEvent[] = [];
    const p = provider({
      auth: { method: 'token', token: await childToken('tradeflow-read') },
      secretPath,
      cacheTtlMs: 30_000,
      now: () => clock.now,
      onAccess: (e) => events.push(e),
    });
    await expect(p.getSecret('LLM_API_KEY')).resolves.toBe('one');
    await putSecret(secretPath, 'LLM_API_KEY', 'two');
    clock.now += 29_999;
    await expect(p.getSecret('LLM_API_KEY')).resolves.toBe('one');
    clock.now += 1;
    await expect(p.getSecret('LLM_API_KEY')).resolves.toBe('two');
    expect(events.map((e) => [e.version, e.cached])).toEqual([
      [1, false],
      [1, true],
      [2, false],
    ]);
    expect(JSON.stringify(events)).not.toMatch(/"one"|"two"/);
  });

  it('`npm run secrets:rotate` writes a new version; both are accepted during the overlap, then only the new one', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'API_SIGNING_SECRET', 'initial-signing-secret');
    const rotateToken = await childToken('tradeflow-rotate');
    const auditDir = mkdtempSync(path.join(os.tmpdir(), 'tf-rotate-audit-'));
    // Every variable the CLI reads is given, so a developer's .env (dotenv never overrides) cannot interfere.
    const env = {
      ...process.env,
      SECRETS_PROVIDER: '',
      VAULT_ADDR: vault.address,
      VAULT_TOKEN: rotateToken,
      VAULT_AUTH_METHOD: 'token',
      VAULT_ROLE_ID: '',
      VAULT_SECRET_ID: '',
      VAULT_K8S_ROLE: '',
      VAULT_NAMESPACE: '',
      VAULT_CACERT: '',
      VAULT_KV_MOUNT: 'secret',
      VAULT_SECRET_PATH: secretPath,
      VAULT_SECRET_VERSIONS: '',
      SECRETS_CACHE_TTL_MS: '60000',
      SECRETS_ROTATION_OVERLAP_MS: '600000',
      // The rotation is recorded in the audit log of this store.
      TRADEFLOW_DB_PATH: path.join(auditDir, 'tradeflow.db'),
      AUDIT_LOG_FILE: path.join(auditDir, 'audit.log'),
      DATABASE_URL: '',
    };
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'secrets:rotate', '--', '--name', 'API_SIGNING_SECRET'],
      {
        cwd: repoRoot,
        env,
        timeout: 60_000,
      },
    );
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('2');
    expect(stdout).toContain(`Rotated API_SIGNING_SECRET at secret/data/${secretPath}/API_SIGNING_SECRET`);
    expect(stdout).toContain('Version 1 stays accepted until');
    const written = (await vault.apiOk('GET', `secret/data/${secretPath}/API_SIGNING_SECRET`)).data;
    const newValue = written.data.value as string;
    expect(newValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stdout).not.toContain(newValue);
    expect(stdout).not.toContain(rotateToken);
    const stores = openStores(path.join(auditDir, 'tradeflow.db'));
    try {
      const audited = await stores.audit.query({ action: 'secret.rotate', limit: 10 });
      expect(audited).toEqual([
        expect.objectContaining({
          action: 'secret.rotate',
          resource: 'secret:API_SIGNING_SECRET',
          result: 'success',
        }),
      ]);
      expect(JSON.parse(audited[0].details!)).toMatchObject({ provider: 'vault', version: 2 });
      expect(JSON.stringify(audited)).not.toContain(newValue);
    } finally {
      await stores.close();
    }

    // A verifier: current + previous until created_time + overlap, then only current.
    const rotatedAt = Date.parse(written.metadata.created_time as string);
    const clock = { now: Date.now() };
    const verifier = provider({
      auth: { method: 'token', token: await childToken('tradeflow-read') },
      secretPath,
      rotationOverlapMs: 10 * MINUTE,
      now: () => clock.now,
    });
    await expect(verifier.getAcceptedSecrets('API_SIGNING_SECRET')).resolves.toEqual([
      { value: newValue, version: 2 },
      { value: 'initial-signing-secret', version: 1, acceptUntil: rotatedAt + 10 * MINUTE },
    ]);
    clock.now = rotatedAt + 10 * MINUTE;
    verifier.clearCache();
    await expect(verifier.getAcceptedSecrets('API_SIGNING_SECRET')).resolves.toEqual([
      { value: newValue, version: 2 },
    ]);

    // Rotating again from code: version 3, reported to the audit hook without the value.
    const events: SecretAccessEvent[] = [];
    const rotator = provider({
      auth: { method: 'token', token: rotateToken },
      secretPath,
      onAccess: (e) => events.push(e),
    });
    const third = await rotator.rotateSecret('API_SIGNING_SECRET');
    expect(third).toMatchObject({ version: 3, previousVersion: 2 });
    expect(events).toEqual([
      {
        action: 'secret.rotate',
        name: 'API_SIGNING_SECRET',
        provider: 'vault',
        version: 3,
        result: 'success',
      },
    ]);

    // Concurrent rotations never overwrite each other silently: check-and-set makes a loser fail.
    const racers = [1, 2, 3].map(() =>
      provider({ auth: { method: 'token', token: rotateToken }, secretPath, cacheTtlMs: 0 }),
    );
    const outcomes = await Promise.allSettled(racers.map((r) => r.rotateSecret('API_SIGNING_SECRET')));
    const versions = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.version] : []));
    expect(new Set(versions).size).toBe(versions.length);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'VAULT_CAS_CONFLICT' });
    }
    const metadata = (await vault.apiOk('GET', `secret/metadata/${secretPath}/API_SIGNING_SECRET`)).data;
    expect(metadata.current_version).toBe(3 + versions.length);
  });

  it('the API accepts bearer tokens signed with the previous secret during the overlap, then only the current one', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'API_SIGNING_SECRET', 'first-signing-secret-0123456789abcdef');
    const rotator = provider({
      auth: { method: 'token', token: await childToken('tradeflow-rotate') },
      secretPath,
    });
    await rotator.rotateSecret('API_SIGNING_SECRET');
    const current = (await vault.apiOk('GET', `secret/data/${secretPath}/API_SIGNING_SECRET`)).data;
    const rotatedAt = Date.parse(current.metadata.created_time as string);
    const clock = { now: Date.now() };
    const secrets = provider({
      auth: { method: 'token', token: await childToken('tradeflow-read') },
      secretPath,
      rotationOverlapMs: 10 * MINUTE,
      now: () => clock.now,
    });
    const sign = (secret: string) =>
      new SignJWT({ role: 'viewer' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('rotation-check')
        .setIssuer(TEST_JWT_ISSUER)
        .setAudience(TEST_JWT_AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
    const oldToken = await sign('first-signing-secret-0123456789abcdef');
    const newToken = await sign(current.data.value as string);
    const api = await startApiOnly(testConfig(), { secrets });
    try {
      const status = async (token: string) =>
        (await httpJson(api.baseUrl, 'GET', '/approvals', undefined, { authorization: `Bearer ${token}` }))
          .status;
      expect([await status(oldToken), await status(newToken)]).toEqual([200, 200]);
      clock.now = rotatedAt + 10 * MINUTE;
      secrets.clearCache();
      expect([await status(oldToken), await status(newToken)]).toEqual([401, 200]);
    } finally {
      await api.stop();
      await secrets.close();
      await rotator.close();
    }
  });

  it('Kubernetes auth: posts {role, jwt} to auth/kubernetes/login; Vault checks the JWT with the TokenReview API', async () => {
    // A stand-in for the Kubernetes API server's TokenReview endpoint (a dev server has no cluster to ask).
    const reviewed: { token: string; authorization: string | undefined }[] = [];
    const valid = new Set<string>();
    const kubeApi = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { spec } = JSON.parse(body) as { spec: { token: string; audiences?: string[] } };
        const token = spec.token;
        reviewed.push({ token, authorization: req.headers.authorization });
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            status: valid.has(token)
              ? {
                  authenticated: true,
                  // The API server echoes the audiences it validated; Vault checks them against the JWT's.
                  audiences: spec.audiences ?? [],
                  user: { username: 'system:serviceaccount:trading:tradeflow', uid: 'sa-uid-1' },
                }
              : { authenticated: false },
          }),
        );
      });
    });
    const kubePort = await freePort();
    await new Promise<void>((resolve) => kubeApi.listen(kubePort, '127.0.0.1', resolve));
    try {
      await vault.apiOk('POST', 'sys/auth/kubernetes', { type: 'kubernetes' });
      await vault.apiOk('POST', 'auth/kubernetes/config', {
        kubernetes_host: `http://127.0.0.1:${kubePort}`,
        disable_local_ca_jwt: true,
      });
      await vault.apiOk('POST', 'auth/kubernetes/role/tradeflow', {
        bound_service_account_names: ['tradeflow'],
        bound_service_account_namespaces: ['trading'],
        token_policies: ['tradeflow-read'],
        token_ttl: '1h',
      });
      const secretPath = newSecretPath();
      await putSecret(secretPath, 'LLM_API_KEY', 'sk-k8s');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-k8s-'));
      const jwtFile = (name: string, jwt: string) => {
        const file = path.join(dir, name);
        writeFileSync(file, `${jwt}\n`);
        return file;
      };

      const goodJwt = serviceAccountJwt('trading', 'tradeflow', 'sa-uid-1');
      valid.add(goodJwt);
      const p = fromEnv({
        VAULT_K8S_ROLE: 'tradeflow',
        VAULT_K8S_TOKEN_PATH: jwtFile('good', goodJwt),
        VAULT_SECRET_PATH: secretPath,
      });
      await expect(p.getSecret('LLM_API_KEY')).resolves.toBe('sk-k8s');
      expect(p.tokenInfo()).toMatchObject({ authMethod: 'kubernetes', logins: 1, authenticated: true });
      // Vault forwarded exactly our JWT (read from the file, trimmed) to the TokenReview API.
      expect(reviewed).toEqual([{ token: goodJwt, authorization: `Bearer ${goodJwt}` }]);

      // The cluster says the JWT is not (or no longer) valid: a clear login error, no JWT in it.
      const revokedJwt = serviceAccountJwt('trading', 'tradeflow', 'sa-uid-1');
      const revoked = fromEnv({
        VAULT_K8S_ROLE: 'tradeflow',
        VAULT_K8S_TOKEN_PATH: jwtFile('revoked', revokedJwt),
        VAULT_SECRET_PATH: secretPath,
      });
      const error = await revoked.getSecret('LLM_API_KEY').catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'VAULT_AUTH_FAILED' });
      expect((error as Error).message).toContain(
        `Cannot read secret/data/${secretPath}/LLM_API_KEY: Cannot log in at auth/kubernetes/login: Vault refused the kubernetes login`,
      );
      expect((error as Error).message).not.toContain(revokedJwt);

      // A service account the role is not bound to is refused by Vault before any TokenReview.
      const before = reviewed.length;
      const intruder = fromEnv({
        VAULT_K8S_ROLE: 'tradeflow',
        VAULT_K8S_TOKEN_PATH: jwtFile('intruder', serviceAccountJwt('trading', 'intruder', 'sa-uid-2')),
        VAULT_SECRET_PATH: secretPath,
      });
      await expect(intruder.getSecret('LLM_API_KEY')).rejects.toMatchObject({
        code: 'VAULT_AUTH_FAILED',
        message: expect.stringContaining('service account name not authorized'),
      });
      expect(reviewed).toHaveLength(before);

      // A role that does not exist: Vault's own words, naming it.
      const noRole = fromEnv({
        VAULT_K8S_ROLE: 'no-such-role',
        VAULT_K8S_TOKEN_PATH: jwtFile('good-again', goodJwt),
        VAULT_SECRET_PATH: secretPath,
      });
      await expect(noRole.getSecret('LLM_API_KEY')).rejects.toMatchObject({
        code: 'VAULT_AUTH_FAILED',
        message: expect.stringContaining('(HTTP 400: invalid role name "no-such-role")'),
      });
    } finally {
      await new Promise((resolve) => kubeApi.close(resolve));
    }
  });

  it('an unreachable address, or one that never answers, is a clear error naming the path and address', async () => {
    const closedPort = await freePort();
    const p = createVaultSecretsProvider({
      address: `http://127.0.0.1:${closedPort}`,
      auth: { method: 'token', token: 'hvs.unused-token' },
      secretPath: 'tradeflow',
    });
    providers.push(p);
    const error = await p.getSecret('API_SIGNING_SECRET').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'VAULT_UNREACHABLE' });
    expect((error as Error).message).toContain(
      `Cannot read secret/data/tradeflow/API_SIGNING_SECRET: Cannot look up token at auth/token/lookup-self: ` +
        `Vault at http://127.0.0.1:${closedPort} is unreachable (ECONNREFUSED`,
    );
    expect((error as Error).message).not.toContain('hvs.unused-token');

    // Accepts connections, never answers: the request timeout turns it into the same kind of error.
    const silent = net.createServer(() => undefined);
    const silentPort = await freePort();
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
    try {
      const hanging = provider({
        address: `http://127.0.0.1:${silentPort}`,
        auth: { method: 'token', token: 'hvs.unused-token' },
        requestTimeoutMs: 300,
      });
      await expect(hanging.getSecret('LLM_API_KEY')).rejects.toMatchObject({
        code: 'VAULT_UNREACHABLE',
        message: expect.stringContaining(`Vault at http://127.0.0.1:${silentPort} is unreachable`),
      });
    } finally {
      silent.close();
      // Drop the connections the provider left open so the server can close.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  // Last: sealing affects the whole server (it is unsealed again at the end).
  it('sealed Vault (`vault operator seal`): reads fail naming the path; after unseal they work again', async () => {
    const secretPath = newSecretPath();
    await putSecret(secretPath, 'API_SIGNING_SECRET', 'before-seal');
    const events: SecretAccessEvent[] = [];
    const p = fromEnv(
      { VAULT_TOKEN: await childToken('tradeflow-read'), VAULT_SECRET_PATH: secretPath },
      events,
    );
    await expect(p.getSecret('API_SIGNING_SECRET')).resolves.toBe('before-seal');

    await vault.cli('operator', 'seal');
    p.clearCache();
    await expect(p.getSecret('API_SIGNING_SECRET')).rejects.toMatchObject({
      code: 'VAULT_SEALED',
      message:
        `Cannot read secret/data/${secretPath}/API_SIGNING_SECRET: Vault at ${vault.address} is sealed; ` +
        'unseal it (vault operator unseal) and retry',
    });
    expect(events.at(-1)).toMatchObject({
      action: 'secret.read',
      result: 'failure',
      name: 'API_SIGNING_SECRET',
    });
    // A rotation names the secret it was rotating, and is reported as a failed rotation.
    const rotator = fromEnv({ VAULT_TOKEN: vault.rootToken, VAULT_SECRET_PATH: secretPath }, events);
    await expect(rotator.rotateSecret('API_SIGNING_SECRET')).rejects.toMatchObject({
      code: 'VAULT_SEALED',
      message: expect.stringMatching(
        new RegExp(`^Cannot rotate secret/data/${secretPath}/API_SIGNING_SECRET: .* is sealed; unseal it`),
      ),
    });
    expect(events.at(-1)).toMatchObject({
      action: 'secret.rotate',
      result: 'failure',
      name: 'API_SIGNING_SECRET',
    });
    // A client that has not logged in yet says the same, naming its login path.
    const roleId = 'any-role-id';
    const fresh = fromEnv({ VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: 'x', VAULT_SECRET_PATH: secretPath });
    await expect(fresh.getSecret('API_SIGNING_SECRET')).rejects.toMatchObject({
      code: 'VAULT_SEALED',
      message: expect.stringContaining('Cannot log in at auth/approle/login: Vault at'),
    });

    expect(vault.unsealKey).not.toBe('');
    await vault.cli('operator', 'unseal', vault.unsealKey);
    await vault.waitUntilHealthy(30_000);
    await expect(p.getSecret('API_SIGNING_SECRET')).resolves.toBe('before-seal');
  });
});

/** A service-account JWT in the projected-token format, RS256-signed by a throwaway key (Vault without pem_keys does
 * not check the signature; the TokenReview API decides). */
function serviceAccountJwt(namespace: string, name: string, uid: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid: randomUUID() })}.${encode({
    iss: 'https://kubernetes.default.svc.cluster.local',
    sub: `system:serviceaccount:${namespace}:${name}`,
    aud: ['https://kubernetes.default.svc.cluster.local'],
    iat: now,
    exp: now + 3600,
    'kubernetes.io': { namespace, serviceaccount: { name, uid } },
  })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}
