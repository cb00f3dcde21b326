import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import type { SecretAccessEvent } from '../../../src/secrets/secrets-provider';
import {
  createVaultSecretsProvider,
  type VaultSecretsProviderOptions,
  type VaultTokenEvent,
} from '../../../src/secrets/vault-provider';
import { FakeVault } from './fake-vault';

const SIGNING = 'secret/data/tradeflow/API_SIGNING_SECRET';
const LLM = 'secret/data/tradeflow/LLM_API_KEY';
const T0 = Date.parse('2026-11-26T12:00:00Z');
const MINUTE = 60_000;

function setup(options: Partial<VaultSecretsProviderOptions> = {}) {
  const clock = { now: T0 };
  const now = () => clock.now;
  const vault = new FakeVault(now);
  const events: SecretAccessEvent[] = [];
  const tokenEvents: VaultTokenEvent[] = [];
  const provider = createVaultSecretsProvider({
    address: 'http://vault.test:8200',
    auth: { method: 'token', token: 'hvs.static-token' },
    client: vault.asClient(),
    now,
    cacheTtlMs: MINUTE,
    rotationOverlapMs: 30 * MINUTE,
    backgroundRenewal: false,
    onAccess: (e) => events.push(e),
    onTokenEvent: (e) => tokenEvents.push(e),
    ...options,
  });
  return { clock, vault, provider, events, tokenEvents };
}

const reads = (vault: FakeVault) => vault.calls.filter((c) => c.startsWith('read secret/data'));

describe('vault secrets provider: KV v2 reads and caching', () => {
  it('reads <mount>/data/<path>/<NAME> field "value", then serves it from memory until the TTL passes', async () => {
    const { clock, vault, provider } = setup();
    vault.put(SIGNING, 'signing-v1');
    await expect(provider.getSecret('API_SIGNING_SECRET')).resolves.toBe('signing-v1');
    vault.put(SIGNING, 'signing-v2');
    clock.now += MINUTE - 1;
    await expect(provider.getSecret('API_SIGNING_SECRET')).resolves.toBe('signing-v1');
    expect(reads(vault)).toEqual([`read ${SIGNING}`]);
    clock.now += 1;
    await expect(provider.getSecret('API_SIGNING_SECRET')).resolves.toBe('signing-v2');
    expect(reads(vault)).toHaveLength(2);
  });

  it('a TTL of 0 reads Vault every time; clearCache forces a fresh read', async () => {
    const { vault, provider } = setup({ cacheTtlMs: 0 });
    vault.put(LLM, 'k');
    await provider.getSecret('LLM_API_KEY');
    await provider.getSecret('LLM_API_KEY');
    expect(reads(vault)).toHaveLength(2);

    const cached = setup();
    cached.vault.put(LLM, 'k');
    await cached.provider.getSecret('LLM_API_KEY');
    cached.provider.clearCache('LLM_API_KEY');
    await cached.provider.getSecret('LLM_API_KEY');
    expect(reads(cached.vault)).toHaveLength(2);
  });

  it('concurrent reads of one secret make one Vault request', async () => {
    const { vault, provider } = setup();
    vault.put(LLM, 'k');
    await Promise.all([provider.getSecret('LLM_API_KEY'), provider.getSecret('LLM_API_KEY')]);
    expect(reads(vault)).toHaveLength(1);
  });

  it('a secret that does not exist reads as undefined, like an unset variable', async () => {
    const { provider } = setup();
    await expect(provider.getSecret('LLM_API_KEY')).resolves.toBeUndefined();
    await expect(provider.readSecret('LLM_API_KEY')).resolves.toBeUndefined();
  });

  it('custom mount and path', async () => {
    const { vault, provider } = setup({ kvMount: '/kv/', secretPath: 'apps/tradeflow/' });
    vault.put('kv/data/apps/tradeflow/LLM_API_KEY', 'k');
    expect(provider.dataPath('LLM_API_KEY')).toBe('kv/data/apps/tradeflow/LLM_API_KEY');
    await expect(provider.getSecret('LLM_API_KEY')).resolves.toBe('k');
  });

  it('version pinning reads ?version=N; a pinned version that does not exist is an error naming it', async () => {
    const { vault, provider } = setup({ pinnedVersions: { API_SIGNING_SECRET: 1 } });
    vault.put(SIGNING, 'signing-v1');
    vault.put(SIGNING, 'signing-v2');
    await expect(provider.readSecret('API_SIGNING_SECRET')).resolves.toMatchObject({
      value: 'signing-v1',
      version: 1,
    });
    expect(reads(vault)).toEqual([`read ${SIGNING}?version=1`]);
    await expect(provider.getSecretVersion('API_SIGNING_SECRET', 2)).resolves.toMatchObject({
      value: 'signing-v2',
      version: 2,
      createdAt: T0,
    });
    await expect(provider.getSecretVersion('API_SIGNING_SECRET', 9)).rejects.toMatchObject({
      code: 'VAULT_NOT_FOUND',
      message: `Cannot read ${SIGNING} version 9: that version does not exist or was deleted or destroyed`,
    });
    await expect(provider.getSecretVersion('API_SIGNING_SECRET', 0)).rejects.toThrow('whole number >= 1');
    const missingPin = setup({ pinnedVersions: { LLM_API_KEY: 4 } });
    await expect(missingPin.provider.getSecret('LLM_API_KEY')).rejects.toMatchObject({
      code: 'VAULT_NOT_FOUND',
    });
  });

  it('a secret without a string "value" field is a clear error naming the fields, not their values', async () => {
    const { vault, provider } = setup();
    vault.kv.set(LLM, [{ data: { key: 'sk-do-not-print', other: 1 }, createdAt: T0 }]);
    const error = await provider.getSecret('LLM_API_KEY').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'VAULT_BAD_SECRET' });
    expect((error as Error).message).toBe(
      `Cannot read ${LLM}: expected a string field "value" (fields present: key, other)`,
    );
  });

  it('an unknown name is refused', async () => {
    const { provider, events } = setup();
    await expect(provider.getSecret('NOPE' as 'LLM_API_KEY')).rejects.toThrow('Unknown secret NOPE');
    expect(events).toEqual([
      {
        action: 'secret.read',
        name: 'NOPE',
        provider: 'vault',
        result: 'failure',
        error: 'Unknown secret NOPE',
      },
    ]);
  });
});

describe('vault secrets provider: errors', () => {
  it('sealed: the read fails naming the path and the cause, and is reported as a failed read', async () => {
    const { vault, provider, events } = setup();
    vault.put(SIGNING, 'signing-v1');
    await provider.getSecret('API_SIGNING_SECRET'); // authenticated, cached
    provider.clearCache();
    vault.sealed = true;
    await expect(provider.getSecret('API_SIGNING_SECRET')).rejects.toMatchObject({
      name: 'SecretsError',
      code: 'VAULT_SEALED',
      message: `Cannot read ${SIGNING}: Vault at http://vault.test:8200 is sealed; unseal it (vault operator unseal) and retry`,
    });
    expect(events.at(-1)).toMatchObject({
      action: 'secret.read',
      result: 'failure',
      name: 'API_SIGNING_SECRET',
    });
    expect(events.at(-1)!.error).toContain('is sealed');
    // Failures are not cached: after unsealing, reads work again.
    vault.sealed = false;
    await expect(provider.getSecret('API_SIGNING_SECRET')).resolves.toBe('signing-v1');
  });

  it('sealed before the first login: the error names the secret and the login path', async () => {
    const { vault, provider } = setup({
      auth: { method: 'approle', roleId: 'r', secretId: 'right-secret-id' },
    });
    vault.sealed = true;
    await expect(provider.getSecret('LLM_API_KEY')).rejects.toMatchObject({
      code: 'VAULT_SEALED',
      message:
        `Cannot read ${LLM}: Cannot log in at auth/approle/login: Vault at http://vault.test:8200 is sealed; ` +
        'unseal it (vault operator unseal) and retry',
    });
  });

  it('error messages and objects never contain the token, the secret_id or a secret value', async () => {
    const { vault, provider, events, tokenEvents } = setup({
      auth: { method: 'approle', roleId: 'role', secretId: 'wrong-secret-id-123' },
    });
    vault.put(LLM, 'sk-live-value');
    const error = await provider.getSecret('LLM_API_KEY').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VAULT_AUTH_FAILED' });
    const everything = [
      inspect(error, { depth: Infinity }),
      JSON.stringify(events),
      JSON.stringify(tokenEvents),
    ].join();
    expect(everything).not.toContain('wrong-secret-id-123');
    expect(everything).not.toContain('sk-live-value');
  });
});

describe('vault secrets provider: audit hook', () => {
  it('reports every read (with version, and whether it was cached) and never the value', async () => {
    const { vault, provider, events } = setup();
    vault.put(SIGNING, 'signing-v1');
    await provider.getSecret('API_SIGNING_SECRET');
    await provider.getSecret('API_SIGNING_SECRET');
    await provider.getSecret('LLM_API_KEY');
    expect(events).toEqual([
      {
        action: 'secret.read',
        name: 'API_SIGNING_SECRET',
        provider: 'vault',
        version: 1,
        result: 'success',
        cached: false,
      },
      {
        action: 'secret.read',
        name: 'API_SIGNING_SECRET',
        provider: 'vault',
        version: 1,
        result: 'success',
        cached: true,
      },
      { action: 'secret.read', name: 'LLM_API_KEY', provider: 'vault', result: 'success', cached: false },
    ]);
    expect(JSON.stringify(events)).not.toContain('signing-v1');
  });

  it('a throwing hook does not break reads', async () => {
    const { vault, provider } = setup({
      onAccess: () => {
        throw new Error('audit store down');
      },
    });
    vault.put(LLM, 'k');
    await expect(provider.getSecret('LLM_API_KEY')).resolves.toBe('k');
  });
});

describe('vault secrets provider: rotation and the overlap window', () => {
  it('writes a new random version with check-and-set, returns its number, and reports it', async () => {
    const { vault, provider, events } = setup();
    vault.put(SIGNING, 'signing-v1', T0 - 24 * 60 * MINUTE);
    const result = await provider.rotateSecret('API_SIGNING_SECRET');
    expect(result).toEqual({
      name: 'API_SIGNING_SECRET',
      path: SIGNING,
      version: 2,
      previousVersion: 1,
      createdAt: T0,
      previousAcceptedUntil: T0 + 30 * MINUTE,
    });
    expect(vault.writes).toHaveLength(1);
    expect(vault.writes[0].body.options).toEqual({ cas: 1 });
    const written = vault.writes[0].body.data.value as string;
    expect(written).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(result)).not.toContain(written);
    expect(events).toEqual([
      {
        action: 'secret.rotate',
        name: 'API_SIGNING_SECRET',
        provider: 'vault',
        version: 2,
        result: 'success',
      },
    ]);
  });

  it('the first rotation of a missing secret creates version 1 (cas 0)', async () => {
    const { vault, provider } = setup();
    const result = await provider.rotateSecret('API_SIGNING_SECRET');
    expect(vault.writes[0].body.options).toEqual({ cas: 0 });
    expect(result).toMatchObject({ version: 1, previousVersion: 0 });
    expect(result.previousAcceptedUntil).toBeUndefined();
  });

  it('a concurrent writer makes the rotation fail with a check-and-set conflict', async () => {
    const { vault, provider, events } = setup();
    vault.put(SIGNING, 'v1');
    const realRead = vault.read;
    vault.read = (p: string) => realRead(p).then((r) => (vault.put(SIGNING, 'sneaky'), r));
    await expect(provider.rotateSecret('API_SIGNING_SECRET')).rejects.toMatchObject({
      code: 'VAULT_CAS_CONFLICT',
    });
    expect(events.at(-1)).toMatchObject({ action: 'secret.rotate', result: 'failure' });
  });

  it('refuses to generate vendor-issued secrets', async () => {
    const { provider, events } = setup();
    await expect(provider.rotateSecret('LLM_API_KEY')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining('LLM_API_KEY is issued by its vendor'),
    });
    expect(events).toEqual([
      expect.objectContaining({ action: 'secret.rotate', result: 'failure', name: 'LLM_API_KEY' }),
    ]);
  });

  it('after a rotation: current at once in this process, previous accepted until the window ends, then only current', async () => {
    const { clock, vault, provider } = setup();
    vault.put(SIGNING, 'signing-v1', T0 - 24 * 60 * MINUTE);
    await expect(provider.getAcceptedSecrets('API_SIGNING_SECRET')).resolves.toEqual([
      { value: 'signing-v1', version: 1 },
    ]);
    clock.now += MINUTE;
    await provider.rotateSecret('API_SIGNING_SECRET');
    const newValue = vault.writes[0].body.data.value as string;
    await expect(provider.getSecret('API_SIGNING_SECRET')).resolves.toBe(newValue); // cache dropped on rotation
    await expect(provider.getAcceptedSecrets('API_SIGNING_SECRET')).resolves.toEqual([
      { value: newValue, version: 2 },
      { value: 'signing-v1', version: 1, acceptUntil: T0 + MINUTE + 30 * MINUTE },
    ]);
    clock.now += 30 * MINUTE - 1;
    expect(await provider.getAcceptedSecrets('API_SIGNING_SECRET')).toHaveLength(2);
    clock.now += 1;
    await expect(provider.getAcceptedSecrets('API_SIGNING_SECRET')).resolves.toEqual([
      { value: newValue, version: 2 },
    ]);
  });

  it('another process’s rotation is picked up when the cache expires', async () => {
    const { clock, vault, provider } = setup();
    vault.put(SIGNING, 'signing-v1', T0 - 60 * MINUTE);
    await provider.getAcceptedSecrets('API_SIGNING_SECRET');
    vault.put(SIGNING, 'signing-v2', T0 + 1); // rotated elsewhere
    expect((await provider.getAcceptedSecrets('API_SIGNING_SECRET')).map((s) => s.version)).toEqual([1]);
    clock.now += MINUTE;
    expect((await provider.getAcceptedSecrets('API_SIGNING_SECRET')).map((s) => s.version)).toEqual([2, 1]);
  });

  it('a deleted previous version is not accepted; a pinned version is the only one accepted', async () => {
    const { vault, provider } = setup();
    vault.put(SIGNING, 'leaked-v1');
    vault.put(SIGNING, 'signing-v2');
    vault.kv.get(SIGNING)![0].deleted = true;
    expect((await provider.getAcceptedSecrets('API_SIGNING_SECRET')).map((s) => s.version)).toEqual([2]);

    const pinned = setup({ pinnedVersions: { API_SIGNING_SECRET: 1 } });
    pinned.vault.put(SIGNING, 'v1');
    pinned.vault.put(SIGNING, 'v2');
    await expect(pinned.provider.getAcceptedSecrets('API_SIGNING_SECRET')).resolves.toEqual([
      { value: 'v1', version: 1 },
    ]);
  });
});

describe('vault secrets provider: token auth and renewal', () => {
  it('looks the token up once, renews it with renew-self only once 3/4 of its TTL has passed', async () => {
    const { clock, vault, provider, tokenEvents } = setup({ cacheTtlMs: 0 });
    vault.put(LLM, 'k');
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls.filter((c) => c.startsWith('token'))).toEqual(['tokenLookupSelf']);
    expect(vault.token).toBe('hvs.static-token');
    expect(provider.tokenInfo()).toMatchObject({
      authMethod: 'token',
      expiresAt: T0 + 3_600_000,
      renewals: 0,
    });

    clock.now = T0 + 2_700_000 - 1;
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls).not.toContain('tokenRenewSelf');
    clock.now = T0 + 2_700_000;
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls.filter((c) => c === 'tokenRenewSelf')).toHaveLength(1);
    expect(provider.tokenInfo()).toMatchObject({ renewals: 1, expiresAt: T0 + 2_700_000 + 3_600_000 });
    expect(tokenEvents.map((e) => e.type)).toEqual(['login', 'renewed']);
    // The next renewal is due 3/4 of the new TTL later.
    clock.now = T0 + 2_700_000 + 2_700_000 - 1;
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls.filter((c) => c === 'tokenRenewSelf')).toHaveLength(1);
  });

  it('a root token (TTL 0) is never renewed', async () => {
    const { clock, vault, provider } = setup({ cacheTtlMs: 0 });
    vault.tokenTtl = 0;
    vault.put(LLM, 'k');
    await provider.getSecret('LLM_API_KEY');
    clock.now += 1000 * 24 * 3_600_000;
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls).not.toContain('tokenRenewSelf');
  });

  it('a plain token that stops extending (max TTL) is not renewed again; a 403 then is a clear error', async () => {
    const { clock, vault, provider } = setup({ cacheTtlMs: 0 });
    vault.put(LLM, 'k');
    await provider.getSecret('LLM_API_KEY');
    vault.renewTtl = 900; // what is left until the max TTL: the expiry does not move
    clock.now = T0 + 2_700_000;
    await provider.getSecret('LLM_API_KEY');
    clock.now = T0 + 3_500_000;
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls.filter((c) => c === 'tokenRenewSelf')).toHaveLength(1);
    vault.revoked.add('hvs.static-token');
    await expect(provider.getSecret('LLM_API_KEY')).rejects.toMatchObject({
      code: 'VAULT_PERMISSION_DENIED',
      message: expect.stringContaining('the Vault token has expired or been revoked'),
    });
  });

  it('background renewal fires at the due time without any read, and stops on close()', async () => {
    jest.useFakeTimers({ now: T0 });
    try {
      const vault = new FakeVault(() => Date.now());
      vault.put(LLM, 'k');
      const provider = createVaultSecretsProvider({
        address: 'http://vault.test:8200',
        auth: { method: 'token', token: 'hvs.static-token' },
        client: vault.asClient(),
      });
      await provider.getSecret('LLM_API_KEY');
      await jest.advanceTimersByTimeAsync(2_700_000 - 1);
      expect(vault.calls).not.toContain('tokenRenewSelf');
      await jest.advanceTimersByTimeAsync(1);
      expect(vault.calls.filter((c) => c === 'tokenRenewSelf')).toHaveLength(1);
      await provider.close();
      await jest.advanceTimersByTimeAsync(10 * 3_600_000);
      expect(vault.calls.filter((c) => c === 'tokenRenewSelf')).toHaveLength(1);
      await expect(provider.getSecret('LLM_API_KEY')).rejects.toThrow('closed');
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('vault secrets provider: background renewal retries', () => {
  it('retries a failed background renewal (Vault briefly sealed) while the token is alive', async () => {
    jest.useFakeTimers({ now: T0 });
    try {
      const vault = new FakeVault(() => Date.now());
      vault.put(LLM, 'k');
      const tokenEvents: VaultTokenEvent[] = [];
      const provider = createVaultSecretsProvider({
        address: 'http://vault.test:8200',
        auth: { method: 'token', token: 'hvs.static-token' },
        client: vault.asClient(),
        onTokenEvent: (e) => tokenEvents.push(e),
      });
      await provider.getSecret('LLM_API_KEY');
      vault.sealed = true;
      await jest.advanceTimersByTimeAsync(2_700_000);
      expect(tokenEvents.map((e) => e.type)).toEqual(['login', 'renew-failed']);
      expect(tokenEvents[1].error).toContain(
        'Cannot renew token at auth/token/renew-self: Vault at http://vault.test:8200 is sealed',
      );
      vault.sealed = false;
      // 15 minutes left: the retry comes 30 s later (at most), not at the next read.
      await jest.advanceTimersByTimeAsync(30_000);
      expect(tokenEvents.map((e) => e.type)).toEqual(['login', 'renew-failed', 'renewed']);
      expect(provider.tokenInfo().renewals).toBe(1);
      await provider.close();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('vault secrets provider: AppRole and Kubernetes', () => {
  it('AppRole logs in with role_id and secret_id at auth/<mount>/login and reads with the token it got', async () => {
    const { vault, provider } = setup({
      auth: { method: 'approle', roleId: 'role-1', secretId: 'right-secret-id', mount: 'ci-approle' },
    });
    vault.put(LLM, 'k');
    await expect(provider.getSecret('LLM_API_KEY')).resolves.toBe('k');
    expect(vault.logins).toEqual([
      { mount_point: 'ci-approle', role_id: 'role-1', secret_id: 'right-secret-id' },
    ]);
    expect(vault.token).toBe('hvs.fake-1');
    expect(provider.tokenInfo()).toMatchObject({ authMethod: 'approle', logins: 1, authenticated: true });
  });

  it('AppRole renews while renewals extend the token, and logs in again once they do not', async () => {
    const { clock, vault, provider } = setup({
      auth: { method: 'approle', roleId: 'r', secretId: 'right-secret-id' },
      cacheTtlMs: 0,
    });
    vault.put(LLM, 'k');
    await provider.getSecret('LLM_API_KEY');
    clock.now = T0 + 2_700_000;
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls.filter((c) => c === 'tokenRenewSelf')).toHaveLength(1);
    vault.renewTtl = 100; // capped: no longer extends
    clock.now = T0 + 2 * 2_700_000;
    await provider.getSecret('LLM_API_KEY');
    clock.now += 100_000;
    await provider.getSecret('LLM_API_KEY');
    expect(vault.calls.filter((c) => c === 'approleLogin')).toHaveLength(2);
    expect(vault.token).toBe('hvs.fake-2');
  });

  it('AppRole logs in again and retries once when Vault rejects the token (revoked)', async () => {
    const { vault, provider } = setup({
      auth: { method: 'approle', roleId: 'r', secretId: 'right-secret-id' },
      cacheTtlMs: 0,
    });
    vault.put(LLM, 'k');
    await provider.getSecret('LLM_API_KEY');
    vault.revoked.add(vault.token);
    await expect(provider.getSecret('LLM_API_KEY')).resolves.toBe('k');
    expect(vault.calls.filter((c) => c === 'approleLogin')).toHaveLength(2);
  });

  it('a refused AppRole login is a clear auth error naming the login path', async () => {
    const { provider } = setup({ auth: { method: 'approle', roleId: 'r', secretId: 'nope-nope' } });
    await expect(provider.getSecret('LLM_API_KEY')).rejects.toMatchObject({
      code: 'VAULT_AUTH_FAILED',
      message: `Cannot read ${LLM}: Cannot log in at auth/approle/login: Vault refused the approle login (HTTP 400: invalid role or secret ID)`,
    });
  });

  it('Kubernetes reads the service-account JWT from its file at each login and posts {role, jwt}', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-k8s-'));
    const jwtPath = path.join(dir, 'token');
    writeFileSync(jwtPath, 'eyJhbGciOi.jwt-one.sig\n');
    const { vault, provider } = setup({
      auth: { method: 'kubernetes', role: 'tradeflow', jwtPath },
      cacheTtlMs: 0,
    });
    vault.put(LLM, 'k');
    await provider.getSecret('LLM_API_KEY');
    expect(vault.logins).toEqual([
      { mount_point: 'kubernetes', role: 'tradeflow', jwt: 'eyJhbGciOi.jwt-one.sig' },
    ]);
    // Kubernetes rotates projected tokens: a later login reads the file again.
    writeFileSync(jwtPath, 'eyJhbGciOi.jwt-two.sig');
    vault.revoked.add(vault.token);
    await provider.getSecret('LLM_API_KEY');
    expect(vault.logins[1].jwt).toBe('eyJhbGciOi.jwt-two.sig');
  });

  it('Kubernetes without a readable token file: a config error naming the file', async () => {
    const { provider } = setup({ auth: { method: 'kubernetes', role: 'r', jwtPath: '/nonexistent/token' } });
    await expect(provider.getSecret('LLM_API_KEY')).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining(
        'Cannot read the Kubernetes service-account token at /nonexistent/token (ENOENT)',
      ),
    });
  });
});
