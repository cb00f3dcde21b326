/**
 * `npm run apikey -- create --role <viewer|operator|admin> --name <name> [--expires <ISO instant>]` creates an API
 * key in the configured store and prints it alone on the last line of output (it is shown only this once);
 * `npm run apikey -- list` lists keys (never the keys themselves); `npm run apikey -- revoke --id <id>` revokes one.
 */
import '../check-node';
import 'dotenv/config';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { AuditEvent } from '../audit';
import { createApiKey } from '../auth/api-keys';
import { ROLES, type Role } from '../auth/roles';
import type { Stores } from '../store';
import { withCliAudit } from './cli-audit';

/** Runs `work` on the configured stores, recording what it did in the audit log as the local OS user. */
function withStores<T>(
  work: (stores: Stores) => Promise<T>,
  audited?: (result: T) => Pick<AuditEvent, 'action' | 'resource' | 'details'>,
): Promise<T> {
  return withCliAudit(async ({ stores, record }) => {
    const result = await work(stores);
    if (audited) await record({ result: 'success', ...audited(result) });
    return result;
  });
}

function futureInstant(value: string): string {
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw new InvalidArgumentError('must be an ISO-8601 instant such as 2027-01-01T00:00:00Z');
  }
  if (at <= Date.now()) throw new InvalidArgumentError('must be in the future');
  return new Date(at).toISOString();
}

function keyName(value: string): string {
  if (!/^[A-Za-z0-9 _.@-]{1,80}$/.test(value)) {
    throw new InvalidArgumentError('must be 1-80 letters, digits, spaces or _ . @ -');
  }
  return value;
}

const program = new Command('apikey').description('Manage Tradeflow API keys').showHelpAfterError();

program
  .command('create')
  .description('create a key; prints it once, alone on the last line')
  .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).makeOptionMandatory())
  .requiredOption('--name <name>', 'who or what the key is for', keyName)
  .option('--expires <instant>', 'when the key stops working (ISO-8601)', futureInstant)
  .action(async (options: { role: Role; name: string; expires?: string }) => {
    const { key, record } = await withStores(
      (stores) =>
        createApiKey(stores.apiKeys, { name: options.name, role: options.role, expiresAt: options.expires }),
      (created) => ({
        action: 'apikey.create',
        resource: `apikey:${created.record.id}`,
        details: { name: created.record.name, role: created.record.role },
      }),
    );
    console.log(
      `created ${record.role} key ${record.id} (${record.name})${record.expiresAt ? `, expires ${record.expiresAt}` : ''}`,
    );
    console.log(key);
  });

program
  .command('list')
  .description('list keys (id, name, role, prefix, dates; never the keys)')
  .action(async () => {
    const keys = await withStores((stores) => stores.apiKeys.list());
    for (const k of keys) {
      const state = k.revokedAt
        ? `revoked ${k.revokedAt}`
        : k.expiresAt
          ? `expires ${k.expiresAt}`
          : 'active';
      console.log(`${k.id}  ${k.role.padEnd(8)}  ${k.prefix}…  ${k.name}  (${state})`);
    }
  });

program
  .command('revoke')
  .description('revoke a key by id')
  .requiredOption('--id <id>', 'the key id (from create or list)')
  .action(async (options: { id: string }) => {
    const revoked = await withStores(
      (stores) => stores.apiKeys.revoke(options.id, new Date().toISOString()),
      () => ({ action: 'apikey.revoke', resource: `apikey:${options.id}` }),
    );
    if (!revoked) program.error(`error: --id ${options.id} is not an active API key`);
    console.log(`revoked ${options.id}`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
