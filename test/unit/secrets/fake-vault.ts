/**
 * An in-memory stand-in for the node-vault client: enough of KV v2, token lookup/renewal and AppRole/Kubernetes login
 * to test the provider's logic on a fake clock. The real server is exercised in test/integration/vault.test.ts.
 */
import type nodeVault from 'node-vault';

export const apiError = (statusCode: number, errors: string[] = []) =>
  Object.assign(new Error(errors[0] ?? `Status ${statusCode}`), {
    response: { statusCode, body: { errors } },
  });

interface Version {
  data: Record<string, unknown>;
  createdAt: number;
  deleted?: boolean;
}

export class FakeVault {
  token = '';
  readonly calls: string[] = [];
  readonly writes: { path: string; body: any }[] = [];
  readonly logins: any[] = [];
  readonly kv = new Map<string, Version[]>();
  sealed = false;
  /** TTL (s) of tokens issued by login, lookup or renewal. */
  tokenTtl = 3600;
  renewable = true;
  /** When set, renew-self answers with this TTL (e.g. capped at the max TTL). */
  renewTtl: number | undefined;
  /** Tokens Vault no longer accepts (expired or revoked). */
  readonly revoked = new Set<string>();
  private issued = 0;

  constructor(private readonly now: () => number) {}

  put(path: string, value: unknown, createdAt = this.now()): void {
    const versions = this.kv.get(path) ?? [];
    versions.push({ data: { value }, createdAt });
    this.kv.set(path, versions);
  }

  private guard(): void {
    if (this.sealed) throw apiError(503, ['Vault is sealed']);
    if (this.revoked.has(this.token)) throw apiError(403, ['permission denied']);
  }

  private issue(): { auth: { client_token: string; lease_duration: number; renewable: boolean } } {
    this.issued += 1;
    return {
      auth: {
        client_token: `hvs.fake-${this.issued}`,
        lease_duration: this.tokenTtl,
        renewable: this.renewable,
      },
    };
  }

  read = (fullPath: string): Promise<any> => {
    this.calls.push(`read ${fullPath}`);
    return Promise.resolve().then(() => {
      this.guard();
      const [path, query] = fullPath.split('?');
      if (path.includes('/metadata/')) {
        const versions = this.kv.get(path.replace('/metadata/', '/data/'));
        if (!versions) throw apiError(404);
        return { data: { current_version: versions.length } };
      }
      const versions = this.kv.get(path);
      if (!versions) throw apiError(404);
      const number = query ? Number(query.replace('version=', '')) : versions.length;
      const version = versions[number - 1];
      if (!version || version.deleted) throw apiError(404);
      return {
        data: {
          data: version.data,
          metadata: { version: number, created_time: new Date(version.createdAt).toISOString() },
        },
      };
    });
  };

  write = (path: string, body: any): Promise<any> => {
    this.calls.push(`write ${path}`);
    return Promise.resolve().then(() => {
      this.guard();
      this.writes.push({ path, body });
      const versions = this.kv.get(path) ?? [];
      if (body.options?.cas !== undefined && body.options.cas !== versions.length) {
        throw apiError(400, ['check-and-set parameter did not match the current version']);
      }
      this.put(path, body.data.value);
      return {
        data: { version: this.kv.get(path)!.length, created_time: new Date(this.now()).toISOString() },
      };
    });
  };

  tokenLookupSelf = (): Promise<any> => {
    this.calls.push('tokenLookupSelf');
    return Promise.resolve().then(() => {
      this.guard();
      return { data: { ttl: this.tokenTtl, renewable: this.renewable } };
    });
  };

  tokenRenewSelf = (): Promise<any> => {
    this.calls.push('tokenRenewSelf');
    return Promise.resolve().then(() => {
      this.guard();
      return {
        auth: {
          client_token: this.token,
          lease_duration: this.renewTtl ?? this.tokenTtl,
          renewable: this.renewable,
        },
      };
    });
  };

  approleLogin = (args: any): Promise<any> => {
    this.calls.push('approleLogin');
    this.logins.push(args);
    return Promise.resolve().then(() => {
      if (this.sealed) throw apiError(503, ['Vault is sealed']);
      if (args.secret_id !== 'right-secret-id') throw apiError(400, ['invalid role or secret ID']);
      const response = this.issue();
      this.token = response.auth.client_token;
      return response;
    });
  };

  kubernetesLogin = (args: any): Promise<any> => {
    this.calls.push('kubernetesLogin');
    this.logins.push(args);
    return Promise.resolve().then(() => {
      const response = this.issue();
      this.token = response.auth.client_token;
      return response;
    });
  };

  asClient(): nodeVault.client {
    return this as unknown as nodeVault.client;
  }
}
