/**
 * The audit log as the command-line tools write it: on the configured stores, to the audit file (not the console),
 * with the local OS user as actor (`cli:<user>`). `withCliAudit` opens it, runs `work`, and closes everything.
 */
import os from 'node:os';
import { auditKeyDeps, createAuditLog, createAuditLogger, type AuditEvent } from '../audit';
import { loadSecretsProviderFromEnv } from '../secrets/load-from-env';
import { loadConfig } from '../config';
import { openConfiguredStores, type Stores } from '../store';

export interface CliAudit {
  stores: Stores;
  /** Records an event as the local OS user. */
  record: (event: Omit<AuditEvent, 'actor'>) => Promise<void>;
}

export function cliActor(): string {
  return `cli:${os.userInfo().username}`;
}

export async function withCliAudit<T>(work: (cli: CliAudit) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const stores = await openConfiguredStores(config.store);
  const secrets = loadSecretsProviderFromEnv(process.env);
  const audit = createAuditLog({
    store: stores.audit,
    logger: createAuditLogger({ file: config.audit.logFile, console: false }),
    ...auditKeyDeps(config, () => secrets),
  });
  try {
    return await work({
      stores,
      record: async (event) => {
        await audit.record({ actor: cliActor(), ...event });
      },
    });
  } finally {
    await audit.close();
    await secrets.close?.();
    await stores.close();
  }
}
