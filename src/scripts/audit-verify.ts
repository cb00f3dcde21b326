/**
 * `npm run audit:verify [-- --archives <dir>] [--json]`: walks the audit hash chain in the configured store
 * (DATABASE_URL, else TRADEFLOW_DB_PATH) from its retention anchor to its head.
 *   exit 0  intact (prints the record count, anchor and head)
 *   exit 1  broken: the first line names the first broken record, then every problem found
 *   exit 2  could not run (bad configuration, database unreachable, unreadable archive folder)
 * With --archives, the retention archives in that folder are verified too, each on its own and as one chain that
 * ends at the live chain's anchor.
 */
import '../check-node';
import 'dotenv/config';
import { Command, type OutputConfiguration } from 'commander';
import { archiveKeyIds, listArchives, verifyArchives, type ArchiveSetVerification } from '../audit/archive';
import { auditKeyDeps, createAuditLog, summarizeVerification } from '../audit/audit-log';
import { describeProblem, type AuditVerification } from '../audit/chain';
import { openConfiguredAuditStore } from '../audit/open';
import { loadConfig } from '../config';
import { loadSecretsProviderFromEnv } from '../secrets/load-from-env';

export interface AuditVerifyReport {
  ok: boolean;
  store: string;
  chain: AuditVerification;
  archives?: ArchiveSetVerification;
}

export async function runAuditVerify(options: {
  archives?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<AuditVerifyReport> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const secrets = loadSecretsProviderFromEnv(env);
  const opened = await openConfiguredAuditStore(config.store);
  try {
    // With the HMAC keys (every key id the records name) and the audit log file's record lines and signed
    // checkpoints: a rewrite of the database alone is detected.
    const audit = createAuditLog({ store: opened.store, ...auditKeyDeps(config, () => secrets) });
    const chain = await audit.verify();
    let archives: ArchiveSetVerification | undefined;
    if (options.archives) {
      // Archives are checked with the same keys: an archive re-hashed without the key fails like a row would.
      const files = listArchives(options.archives);
      archives = verifyArchives(files, chain.anchor.seq > 0 ? chain.anchor : undefined, {
        keys: await audit.acceptedKeys(archiveKeyIds(files)),
      });
    }
    return { ok: chain.ok && (archives?.ok ?? true), store: opened.location, chain, archives };
  } finally {
    await opened.close();
    await secrets.close?.();
  }
}

export function formatReport(report: AuditVerifyReport): string[] {
  const lines = [summarizeVerification(report.chain)];
  lines.push(`store: ${report.store}`);
  if (report.chain.anchor.seq > 0) {
    lines.push(
      `retention anchor: seq ${report.chain.anchor.seq} ${report.chain.anchor.hash}${report.chain.anchor.archive ? ` (${report.chain.anchor.archive})` : ''}`,
    );
  }
  lines.push(`chain head: seq ${report.chain.head.seq} ${report.chain.head.hash}`);
  lines.push(
    `keyed records checked: ${report.chain.keyed ?? 0}${report.chain.uncheckedKeyed ? ` (${report.chain.uncheckedKeyed} keyed records not checked: no key)` : ''}`,
  );
  const external = report.chain.external;
  if (external) {
    lines.push(
      `audit log file: ${external.file}: ${external.note ?? `${external.records} record lines, ${external.checkpoints} signed checkpoints, up to seq ${external.highestSeq}`}`,
    );
  }
  for (const problem of report.chain.problems)
    lines.push(`  seq ${problem.seq}: ${describeProblem(problem)}`);
  if (report.chain.problemsTruncated) lines.push(`  … and ${report.chain.problemsTruncated} more`);
  if (report.archives) {
    const { archives, gaps } = report.archives;
    lines.push(
      `archives: ${archives.length} file${archives.length === 1 ? '' : 's'}, ${report.archives.ok ? 'intact and chained to the live anchor' : 'BROKEN'}`,
    );
    for (const archive of archives) {
      lines.push(`  ${archive.file}: ${archive.ok ? `ok, ${archive.records} records` : 'BROKEN'}`);
      for (const problem of archive.problems)
        lines.push(`    seq ${problem.seq}: ${describeProblem(problem)}`);
    }
    for (const gap of gaps) lines.push(`  gap: ${gap}`);
  }
  return lines;
}

export function buildProgram(output?: OutputConfiguration): Command {
  const program = new Command('audit:verify')
    .description('Verify the hash-chained audit log (and optionally its retention archives)')
    .option('--archives <dir>', 'also verify the retention archives in this folder')
    .option('--json', 'print the full report as JSON')
    .action(async (options: { archives?: string; json?: boolean }) => {
      let report: AuditVerifyReport;
      try {
        report = await runAuditVerify({ archives: options.archives });
      } catch (error) {
        console.error(
          `audit:verify could not run: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exitCode = 2;
        return;
      }
      if (options.json) console.log(JSON.stringify(report, null, 2));
      else for (const line of formatReport(report)) (report.ok ? console.log : console.error)(line);
      process.exitCode = report.ok ? 0 : 1;
    });
  if (output) program.configureOutput(output);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    });
}
