/**
 * A separate process appending audit records, for the concurrency tests (`node --import tsx audit-appender.ts
 * <sqlite-file | postgres-url> <count> <actor> <start-at-epoch-ms>`): several of these write to one database at
 * once; each waits for the common start instant, so they really overlap.
 */
import { Pool } from 'pg';
import { createAuditLog } from '../../src/audit/audit-log';
import { createPgAuditStore } from '../../src/audit/pg-store';
import { createSqliteAuditStore } from '../../src/audit/store';
import { openDatabase } from '../../src/store/sqlite';

async function main(): Promise<void> {
  const [target, countText, actor, startAt] = process.argv.slice(2);
  const count = Number(countText);
  const postgres = /^postgres(ql)?:\/\//.test(target);
  const pool = postgres ? new Pool({ connectionString: target, max: 4 }) : undefined;
  const db = postgres ? undefined : openDatabase(target);
  const audit = createAuditLog({ store: pool ? createPgAuditStore(pool) : createSqliteAuditStore(db!) });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  // Several in flight at once per process too (PostgreSQL runs them on separate connections).
  const lanes = 4;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < count; i += lanes) {
        await audit.record({
          actor,
          action: 'workflow.start',
          resource: `workflow:${actor}-${i}`,
          result: 'success',
          details: { i },
        });
      }
    }),
  );
  await pool?.end();
  db?.close();
  console.log(`appended ${count}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
