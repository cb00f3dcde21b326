/**
 * `npm run secrets:rotate -- --name API_SIGNING_SECRET`: writes a new random version of a secret to Vault KV v2
 * (check-and-set on the current version, so two concurrent rotations cannot both win) and prints the new version
 * number alone on the last line. The value itself is never printed or logged.
 *
 * Uses the same VAULT_* variables as the application (see docs/security.md, "Secrets"); the provider is always Vault,
 * whatever SECRETS_PROVIDER says, since the environment provider has nothing to rotate.
 */
import '../check-node';
import 'dotenv/config';
import { Command } from 'commander';
import { isSecretsError } from '../secrets/errors';
import { loadSecretsProviderFromEnv } from '../secrets/load-from-env';
import { isSecretName, ROTATABLE_SECRET_NAMES, type SecretAccessEvent } from '../secrets/secrets-provider';
import type { VaultSecretsProvider } from '../secrets/vault-provider';
import { secretAccessAuditEvent } from '../secrets/audit-event';
import { cliActor, withCliAudit } from './cli-audit';

async function main(argv: string[]): Promise<void> {
  const program = new Command('secrets:rotate')
    .description('Write a new random version of a Tradeflow-generated secret to Vault KV v2')
    .option(
      '--name <NAME>',
      `the secret to rotate (${ROTATABLE_SECRET_NAMES.join(', ')})`,
      'API_SIGNING_SECRET',
    )
    .parse(argv);
  const { name } = program.opts<{ name: string }>();
  if (!isSecretName(name))
    throw new Error(`Unknown secret ${name}; rotatable: ${ROTATABLE_SECRET_NAMES.join(', ')}`);

  // Every rotation (and the reads it makes) goes to the audit log, as the local OS user; never the value.
  const events: SecretAccessEvent[] = [];
  const provider = loadSecretsProviderFromEnv(
    { ...process.env, SECRETS_PROVIDER: 'vault' },
    // A failed login surfaces as the error below; a failed renewal is worth a warning. Events never carry a token.
    {
      onTokenEvent: (e) => e.type === 'renew-failed' && console.error(`[vault] warning: ${e.error}`),
      onAccess: (event) => events.push(event),
    },
  ) as VaultSecretsProvider;
  try {
    const rotated = await provider.rotateSecret(name);
    console.log(`Rotated ${name} at ${rotated.path} on ${provider.address}: version ${rotated.version}.`);
    if (rotated.previousAcceptedUntil !== undefined) {
      console.log(
        `Version ${rotated.previousVersion} stays accepted until ${new Date(rotated.previousAcceptedUntil).toISOString()} ` +
          `(the rotation overlap window); every process uses version ${rotated.version} once its secrets cache expires (SECRETS_CACHE_TTL_MS).`,
      );
    }
    console.log(String(rotated.version));
  } finally {
    await provider.close();
    await recordInAuditLog(events);
  }
}

async function recordInAuditLog(events: SecretAccessEvent[]): Promise<void> {
  if (events.length === 0) return;
  await withCliAudit(async ({ record }) => {
    for (const event of events) await record(secretAccessAuditEvent(event, cliActor()));
  });
}

main(process.argv).catch((error: unknown) => {
  console.error(isSecretsError(error) || error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
