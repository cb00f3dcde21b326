/**
 * The documentation's code samples, run: every fenced block of README.md and docs/user-guide.md carries a
 * `<!-- docs-test: … -->` marker (test/support/docs-blocks.ts lists them) and is checked as it says:
 *
 * - `run id=X [target=T]` blocks run in one bash session per document, in order, against this file's own stack:
 *   the suite's Temporal dev server, a worker on a random task queue, the API on a free port with a temporary
 *   SQLite store. Before a block runs, `localhost:3000` becomes that API, `$(cat data/admin-api-key)` its admin
 *   key and `tradeflow-pipeline` its task queue; TEMPORAL_ADDRESS, TRADEFLOW_DB_PATH and AUDIT_LOG_FILE point the
 *   CLI tools (temporal, npm run apikey/schedule/audit:verify) at the same server and store. Targets:
 *   `examples` (the task queue of a worker running docs/examples' workflow), `down` (an API whose Temporal is
 *   unreachable), `vault` (a Vault dev server for `npm run secrets:rotate`). The check `X` below reads the output.
 * - `output of=X` blocks must match what X printed (line by line, in order, `…` matching anything).
 * - `syntax` blocks are only parsed (`bash -n`): npm ci, docker, kubectl, helm install cannot run here.
 * - `file path=P` blocks must equal the file P; `excerpt path=P` lines must be in P (except `// new` lines).
 * - `message id=X` and `diagram id=X` blocks are held against the code by the check X.
 *
 * The example workflow of the user guide also runs here on its own worker, and its history is replayed against
 * version 2 of the workflow (patched: passes) and version 2 without the patch (fails).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { assertSupportedNode } from '../../src/runtime-check';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/free-port';
import { loadConfig } from '../../src/config';
import { createPriceSummaryActivities } from '../../docs/examples/price-summary-activities';
import { summarizeCloses } from '../../docs/examples/price-summary';
import type { PriceSummaryResult as PriceSummaryResultV2 } from '../../docs/examples/price-summary-workflow-v2';
import { startPriceSummary } from '../../docs/examples/start-price-summary';
import {
  jsonValues,
  readDoc,
  substitute,
  unmatchedOutputLine,
  where,
  type DocBlock,
} from '../support/docs-blocks';
import { DocsShell } from '../support/docs-shell';
import {
  eventually,
  httpJson,
  itEnv,
  startApiOnly,
  startStack,
  testConfig,
  TEST_ADMIN_KEY,
  type TestStack,
} from '../support/harness';
import { startVaultDevServer, type VaultDevServer } from '../support/vault';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');
const DOCUMENTS = ['README.md', 'docs/user-guide.md'] as const;
const docs = Object.fromEntries(DOCUMENTS.map((file) => [file, readDoc(repoRoot, file)]));
const allBlocks = DOCUMENTS.flatMap((file) => docs[file].blocks);
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

/** What a check sees: the block and, for run blocks, what it printed (and the JSON values in it). */
interface Ran {
  block: DocBlock;
  output: string;
  json: any[];
}
type Check = (ran: Ran) => void | Promise<void>;

let stack: TestStack;
let base: string;
let down: Awaited<ReturnType<typeof startApiOnly>>;
let vault: VaultDevServer;
let exampleQueue: string;
let exampleConnection: NativeConnection;
let exampleWorker: Worker;
let exampleRunning: Promise<void>;

const STATUSES = ['BUY', 'SELL', 'HOLD'];
const lines = (output: string) => output.split('\n').filter((l) => l.trim() !== '');

const checks: Record<string, Check> = {
  // README.md
  'quickstart-demo': ({ block }) => {
    expect(block.text.trim()).toBe('npm ci && npm run demo');
    expect(JSON.parse(read('package.json')).scripts.demo).toMatch(/src\/scripts\/demo\.ts/);
    expect(read('docs/demo.md')).toContain('```bash\nnpm ci && npm run demo\n```');
  },
  'quickstart-test': ({ block }) => {
    expect(block.text.trim()).toBe('npm ci && npm test');
    // CI runs exactly the README's command.
    expect(read('.ci/run').split('\n')).toContain(block.text.trim());
  },
  architecture: ({ block }) => {
    for (const ref of block.text.match(/src\/[\w./-]*\w/g) ?? []) {
      expect({ ref, exists: existsSync(path.join(repoRoot, ref)) }).toEqual({ ref, exists: true });
    }
    // The workflows named are exactly those the worker's bundle exports.
    const exported = [...read('src/workflows/index.ts').matchAll(/export \{ (\w+) \}/g)].map((m) => m[1]);
    const named = /workflows, src\/workflows: ([\w, ]+)"/.exec(block.text)![1].split(', ');
    expect(named.sort()).toEqual(exported.sort());
    const defaults = loadConfig({});
    expect(block.text).toContain(`task queue ${defaults.temporal.taskQueue}`);
    expect(block.text).toContain(`frontend :${defaults.devServer.port}`);
    expect(block.text).toContain(`Web UI :${defaults.devServer.uiPort}`);
  },
  'readme-try': ({ json }) => {
    expect(json.length).toBeGreaterThan(0);
    for (const row of json) expect(row.workflowId).toMatch(/^pipeline:/);
  },

  // docs/user-guide.md: getting started
  key: ({ json }) => {
    expect(json[0]).toMatchObject({
      role: 'admin',
      via: 'api-key',
      actor: expect.stringMatching(/^apikey:/),
    });
    expect(json[0].routes).toBeGreaterThan(20);
  },
  health: ({ json }) => {
    expect(json[0]).toEqual({ status: 'ok' });
    expect(json[1].status).toBe('ready');
    expect(json[2]).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./), title: 'Tradeflow API' });
    expect(json[2].paths).toBeGreaterThan(20);
  },

  // runs
  trigger: ({ json }) => {
    expect(json[0].workflowId).toMatch(/^pipeline:default:\d{4}-\d{2}-\d{2}:[0-9a-f]{8}$/);
    expect(json[0].workflowId).toContain(json[0].asOf);
  },
  status: ({ json }) => {
    expect(json[0].symbols).toEqual(['AAPL', 'MSFT']);
    expect(['RUNNING', 'COMPLETED']).toContain(json[0].status);
  },
  result: ({ json }) => {
    expect(json[0].status).toBe('COMPLETED');
    expect(json[0].signals.map((s: any) => s.symbol)).toEqual(['AAPL', 'MSFT']);
    for (const s of json[0].signals) expect(STATUSES).toContain(s.action);
  },
  list: ({ json }) => {
    expect(json.length).toBeGreaterThan(0);
    for (const row of json) expect(row).toMatchObject({ status: 'COMPLETED', stage: 'completed' });
  },
  'risk-report': ({ json }) => {
    expect(json[0]).toMatchObject({ status: 'ok', confidence: 0.99, breaches: [] });
    expect(json[0].historical.varAmount).toBeGreaterThan(0);
    expect(json[0].historical.esAmount).toBeGreaterThanOrEqual(json[0].historical.varAmount);
  },
  'var-backtests': ({ json }) => {
    expect(json.length).toBeGreaterThan(0);
    for (const row of json) expect(row.workflowId).toMatch(/^pipeline:/);
  },
  flagged: ({ json }) => {
    expect(json).toEqual([
      expect.objectContaining({
        symbol: 'AAPL',
        action: 'BUY',
        reasons: ['new breach: AAPL notional 200,000 exceeds the position limit 150,000'],
      }),
    ]);
  },
  approve: ({ json }) => {
    expect(json[0]).toMatchObject({
      decision: 'approved',
      symbols: ['AAPL'],
      approver: expect.stringMatching(/^apikey:/),
    });
    expect(json[0].startedBy).toBe(json[0].approver);
    expect(json[1]).toEqual({
      status: 'COMPLETED',
      signals: [{ symbol: 'AAPL', action: 'BUY', approval: 'approved' }],
    });
  },
  reject: ({ json }) => {
    expect(json).toEqual([{ symbol: 'AAPL', action: 'HOLD', approval: 'rejected', originalAction: 'BUY' }]);
  },
  cancel: ({ json }) => {
    expect(json[0].status).toBe('CANCEL_REQUESTED');
    expect(json[1].status).toBe('CANCELLED');
  },

  // market data, backtests, quotes
  ingest: ({ json }) => {
    expect(json.map((r) => r.symbol)).toEqual(['AAPL', 'MSFT']);
    for (const row of json) {
      expect(row.sources).toEqual({ synthetic: 15 });
      expect(row.fetched + row.alreadyStored).toBe(15);
    }
  },
  bars: ({ json }) => {
    expect(json[0]).toMatchObject({
      symbol: 'AAPL',
      count: 5,
      first: { date: '2026-11-16', source: 'synthetic' },
    });
  },
  intraday: ({ json }) => {
    expect(json[0]).toEqual({
      count: 13,
      first: '2026-11-20T14:30:00.000Z',
      last: '2026-11-20T20:30:00.000Z',
    });
  },
  backtest: ({ json }) => {
    expect(json[0].status).toBe('COMPLETED');
    expect(json[0].results.map((r: any) => r.symbol)).toEqual(['AAPL', 'MSFT']);
    for (const r of json[0].results) expect(r.points).toBeGreaterThan(200);
  },
  quotes: ({ json }) => {
    const quotes = json.filter((v) => v.price !== undefined);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(q).toMatchObject({ symbol: 'AAPL', source: 'synthetic' });
    expect(json.at(-2).status).toBe('STOP_REQUESTED');
    expect(json.at(-1)).toEqual({ status: 'COMPLETED', stoppedBy: 'signal' });
  },

  // keys and audit
  'apikey-create': ({ json }) => {
    expect(json[0]).toMatchObject({ name: 'wallboard', role: 'viewer' });
    expect(json[1].role).toBe('viewer');
  },
  'apikey-revoke': ({ output, json }) => {
    expect(lines(output)).toContain('204');
    expect(json.at(-1).error.message).toBe('Authentication required: API key revoked');
  },
  audit: ({ json }) => {
    const records = json.slice(0, -1);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(r.action).toMatch(/^workflow\./);
    expect(json.at(-1)).toMatchObject({ ok: true, problems: [] });
  },

  // schedules
  'schedule-create': ({ json }) => {
    expect(json.map((s) => s.paused)).toEqual([false, true, false]);
    expect(json[1].note).toBe('data vendor outage');
  },
  'schedule-backfill': async ({ output }) => {
    expect(output).toContain('pipeline:default:schedule-eod-tech-2026-11-');
    // All five backfilled runs complete, each for the session of its nominal time.
    const runs = await eventually(async () => {
      const found = [];
      for await (const run of stack.client.workflow.list({
        query: `TemporalScheduledById = 'eod-tech' AND ExecutionStatus = 'Completed'`,
      }))
        found.push(run.workflowId);
      return found.length >= 5 ? found : undefined;
    }, 60_000);
    const asOfs = await Promise.all(
      runs.map(async (id) => (await stack.client.workflow.getHandle(id).result()).input.asOf),
    );
    expect(asOfs.filter((d) => d.startsWith('2026-11-')).sort()).toEqual(
      expect.arrayContaining(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']),
    );
  },
  'schedule-delete': ({ output }) => {
    expect(output.trim()).toBe('204');
  },
  'schedule-cli': ({ output, json }) => {
    expect(json[0]).toEqual({ scheduleId: 'eod-cli', paused: true, cron: ['0 18 * * FRI'] });
    expect(output).toContain('pipeline:default:schedule-eod-cli-2026-11-13T23:00:00Z');
    expect(json.at(-1)).toEqual({ scheduleId: 'eod-cli', deleted: true });
  },

  // command line
  'cli-start': async ({ output }) => {
    expect(output).toMatch(/WorkflowId\s+pipeline:default:cli-demo\n/);
    // The run the CLI started with plain JSON input completes like one started over HTTP.
    const result = await stack.client.workflow.getHandle('pipeline:default:cli-demo').result();
    expect(result.input).toMatchObject({
      symbols: ['AAPL', 'MSFT'],
      provider: 'synthetic',
      lookbackDays: 120,
    });
  },
  'cli-execute': ({ json }) => {
    expect(json[0]).toMatchObject({ status: 'COMPLETED', riskStatus: 'ok' });
    expect(json[0].signals).toHaveLength(2);
  },
  'cli-list': ({ output }) => {
    expect(output).toMatch(/Completed\s+pipeline:default:cli-demo-2\s+tradingPipeline/);
    expect(output).toMatch(/Status\s+COMPLETED/);
  },
  'cli-signal': ({ output, json }) => {
    expect(output).toContain('Signal workflow succeeded');
    expect(json).toEqual([{ symbol: 'AAPL', status: 'approved', approver: 'carol' }]);
  },
  'apikey-cli': ({ output, json }) => {
    expect(output).toMatch(/operator\s+tfk_.*ci-bot/);
    expect(json.at(-1)).toEqual({ role: 'operator' });
  },
  'audit-verify': ({ output }) => {
    expect(output).toMatch(/^audit chain intact: \d+ records/m);
    expect(output).toContain(`store: ${stack.config.store.dbPath}`);
  },
  'secrets-rotate': async ({ output }) => {
    expect(lines(output).at(-1)).toBe('2');
    const entry = await vault.apiOk('GET', 'secret/metadata/tradeflow/API_SIGNING_SECRET');
    expect(entry.data.current_version).toBe(2);
  },

  // the example workflow
  'example-execute': async ({ json }) => {
    expect(json.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT']);
    for (const summary of json) {
      const bars = await stack.stores.bars.getBars({
        symbol: summary.symbol,
        interval: '1d',
        from: '2026-11-02',
        to: '2026-11-20',
      });
      expect(summary.sessions).toBe(bars.length);
      expect(summary.change).toBeCloseTo(bars.at(-1)!.adjClose / bars[0].adjClose - 1, 12);
    }
  },

  // deploying
  'helm-template': ({ output }) => {
    expect(output).toMatch(/2 kind: Deployment/);
  },

  // troubleshooting
  'err-400': ({ json }) => {
    expect(json[0]).toMatchObject({ code: 'invalid_request' });
    expect(json[0].details.issues[0].field).toBe('body.parameters.asOf');
    expect(json[1].issues[0].field).toBe('query.waitSeconds');
  },
  'err-auth': ({ json }) => {
    expect(json.map((e) => e.code)).toEqual(['unauthorized', 'forbidden']);
  },
  'err-409': ({ output, json }) => {
    expect(lines(output)[0]).toBe('"workflow_not_found"');
    expect(json.at(-1).code).toBe('not_running');
  },
  'err-503': ({ json }) => {
    expect(json[0].code).toBe('temporal_unavailable');
    expect(json[1]).toMatchObject({ status: 'not_ready', checks: { temporal: { ok: false } } });
  },
  'missing-cli': ({ block }) => {
    // The real lookup, with every candidate path reported as not executable (.tools/bin holds one here).
    let message = '';
    jest.isolateModules(() => {
      jest.doMock('node:fs', () => ({
        ...jest.requireActual('node:fs'),
        accessSync: () => {
          throw new Error('EACCES');
        },
      }));
      const { findTemporalCli } = jest.requireActual<typeof import('../../src/temporal/temporal-cli')>(
        '../../src/temporal/temporal-cli',
      );
      try {
        findTemporalCli(undefined);
      } catch (error) {
        message = (error as Error).message;
      }
      jest.dontMock('node:fs');
    });
    expect(message).toBe(block.text.trim());
  },
  'node-version': ({ block }) => {
    expect(() => assertSupportedNode('20.19.0')).toThrow(block.text.trim());
  },
  'dev-port': async ({ block }) => {
    // A port in use, as another dev server would hold it.
    const taken = net.createServer();
    // The server's readiness probe connects here too; close those sockets so the port can be released.
    const sockets = new Set<net.Socket>();
    taken.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const error = await startDevServer({
        cliPath: itEnv().cliPath,
        ip: '127.0.0.1',
        port,
        namespace: 'default',
        // startDevServer keeps probing the port until this deadline even after the process exited; keep it short.
        startTimeoutMs: 3000,
      }).then(
        (server) => server.stop().then(() => new Error('the dev server started on a port in use')),
        (e: Error) => e,
      );
      // What `npm run dev` prints: `[dev] ` and the error (src/scripts/dev.ts).
      const printed = `[dev] ${error.message}`;
      expect(unmatchedOutputLine(block.text.replaceAll('7233', String(port)), printed)).toBeUndefined();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => taken.close(resolve));
    }
  },
  'api-port': async ({ block }) => {
    // The real API started on a port that is taken: it must fail, naming the port, and exit 1.
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.join(repoRoot, 'src/api/main.ts')],
        {
          cwd: repoRoot,
          timeout: 90_000,
          env: {
            ...process.env,
            API_HOST: '0.0.0.0', // the default
            API_PORT: String(port),
            TEMPORAL_ADDRESS: stack.config.temporal.address,
            TRADEFLOW_DB_PATH: stack.config.store.dbPath,
            AUDIT_LOG_FILE: stack.config.audit.logFile,
            TRADEFLOW_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY,
            LOG_LEVEL: 'error',
          },
        },
      ).then(
        () => ({ code: 0, output: '' }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({
          code: error.code,
          output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
        }),
      );
      expect(run.code).toBe(1);
      const message = `listen EADDRINUSE: address already in use 0.0.0.0:${port}`;
      expect(run.output).toContain(message);
      // What `npm run dev` shows: the API's line, prefixed, then the launcher's (src/scripts/launcher.ts).
      const launcher = read('src/scripts/launcher.ts');
      expect(launcher).toContain('`[${tag}] ${name} exited unexpectedly (code ${code}); shutting down`');
      const printed = `[api] ${message}\n[dev] api exited unexpectedly (code 1); shutting down`;
      expect(unmatchedOutputLine(block.text.replaceAll('3000', String(port)), printed)).toBeUndefined();
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  },
};

/** The replacements for a run block of `target`. */
function replacementsFor(target: string | undefined): [string, string][] {
  const apiBase = target === 'down' ? down.baseUrl : base;
  const queue = target === 'examples' ? exampleQueue : stack.config.temporal.taskQueue;
  const common: [string, string][] = [
    ['http://localhost:3000', apiBase],
    ['localhost:3000', apiBase.replace(/^http:\/\//, '')],
    ['$(cat data/admin-api-key)', `'${TEST_ADMIN_KEY}'`],
    ['tradeflow-pipeline', queue],
  ];
  if (target === 'vault') {
    return [...common, ['http://127.0.0.1:8200', vault.address], ['dev-root', vault.rootToken]];
  }
  return common;
}

/** The environment of the docs shell: this file's stack, none of the caller's Tradeflow/Temporal/Vault settings. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const foreign = /^(TEMPORAL_|TRADEFLOW_|VAULT_|AUDIT_|API_|SECRETS_|LLM_|WORKER_|DATABASE_URL$|npm_)/;
  for (const [key, value] of Object.entries(process.env)) if (!foreign.test(key)) env[key] = value;
  return {
    ...env,
    TEMPORAL_ADDRESS: stack.config.temporal.address,
    TEMPORAL_NAMESPACE: stack.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
    TRADEFLOW_DB_PATH: stack.config.store.dbPath,
    AUDIT_LOG_FILE: stack.config.audit.logFile,
    AUDIT_ARCHIVE_DIR: stack.config.audit.archiveDir,
    LOG_LEVEL: 'error',
  };
}

/** Runs a document's run blocks in order in one shell, checking each and the output blocks that show it. */
async function runDocument(file: string): Promise<void> {
  const shell = DocsShell.start({ cwd: repoRoot, env: shellEnv() });
  const outputs = new Map<string, string>();
  try {
    for (const block of docs[file].blocks) {
      const marker = block.marker!;
      if (marker.mode === 'run') {
        const script = substitute(block.text, replacementsFor(marker.attrs.target));
        let output: string;
        try {
          output = await shell.run(script, 120_000);
        } catch (error) {
          throw new Error(`${where(block)}: ${(error as Error).message}`, { cause: error });
        }
        outputs.set(marker.attrs.id, output);
        try {
          await checks[marker.attrs.id]({ block, output, json: jsonValues(output) });
        } catch (error) {
          throw new Error(`${where(block)}: ${(error as Error).message}\nIt printed:\n${output}`, {
            cause: error,
          });
        }
      } else if (marker.mode === 'output') {
        const output = outputs.get(marker.attrs.of);
        if (output === undefined)
          throw new Error(`${where(block)}: no run block ${marker.attrs.of} before it`);
        const missing = unmatchedOutputLine(block.text, output);
        if (missing !== undefined) {
          throw new Error(`${where(block)}: the line\n  ${missing}\nis not in what it printed:\n${output}`);
        }
      }
    }
  } finally {
    await shell.close();
  }
}

describe('the docs: README.md and docs/user-guide.md', () => {
  beforeAll(async () => {
    stack = await startStack();
    base = stack.baseUrl!;
    down = await startApiOnly(
      testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`, API_TEMPORAL_TIMEOUT_MS: '2000' }),
    );
    exampleQueue = `docs-examples-${randomUUID()}`;
    exampleConnection = await NativeConnection.connect({ address: stack.config.temporal.address });
    exampleWorker = await Worker.create({
      connection: exampleConnection,
      namespace: stack.config.temporal.namespace,
      taskQueue: exampleQueue,
      workflowsPath: require.resolve('../../docs/examples/price-summary-workflow'),
      activities: createPriceSummaryActivities({ bars: stack.stores.bars }),
    });
    exampleRunning = exampleWorker.run();
    vault = await startVaultDevServer();
  }, 120_000);

  afterAll(async () => {
    exampleWorker?.shutdown();
    await exampleRunning;
    await exampleConnection?.close();
    await vault?.stop();
    await down?.stop();
    await stack?.stop();
  });

  it('marks every code block, and every check has its block', () => {
    expect(DOCUMENTS.flatMap((file) => docs[file].problems)).toEqual([]);
    const unmarked = allBlocks.filter((b) => !b.marker).map(where);
    expect(unmarked).toEqual([]);
    const ids = allBlocks.flatMap((b) => (b.marker?.attrs.id ? [b.marker.attrs.id] : []));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const block of allBlocks) {
      const { mode, attrs } = block.marker!;
      if (['run', 'message', 'diagram'].includes(mode))
        expect({ at: where(block), id: attrs.id }).toEqual({
          at: where(block),
          id: expect.any(String),
        });
      if (mode === 'run' || mode === 'syntax')
        expect({ at: where(block), lang: block.lang }).toEqual({
          at: where(block),
          lang: 'bash',
        });
    }
    expect(Object.keys(checks).filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !(id in checks))).toEqual([]);
  });

  it('links resolve, and the README links every doc', () => {
    for (const file of DOCUMENTS) {
      for (const [, target] of docs[file].markdown.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^https?:/.test(target)) continue;
        const resolved = path.join(repoRoot, path.dirname(file), target);
        expect({ file, target, exists: existsSync(resolved) }).toEqual({ file, target, exists: true });
      }
    }
    const allDocs = ['docs', 'docs/decisions'].flatMap((dir) =>
      readdirSync(path.join(repoRoot, dir))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `${dir}/${f}`),
    );
    for (const doc of allDocs) expect(docs['README.md'].markdown).toContain(`](${doc})`);
  });

  it('blocks that cannot run here parse (bash -n)', async () => {
    for (const block of allBlocks.filter((b) => b.marker!.mode === 'syntax')) {
      await run('bash', ['-n', '-c', block.text]).catch((error: Error) => {
        throw new Error(`${where(block)}: ${error.message}`);
      });
      const id = block.marker!.attrs.id;
      if (id) await checks[id]({ block, output: '', json: [] });
    }
  });

  it('shows the example files verbatim, and excerpts of the real code', () => {
    for (const block of allBlocks.filter((b) => b.marker!.mode === 'file')) {
      expect({ at: where(block), text: block.text }).toEqual({
        at: where(block),
        text: read(block.marker!.attrs.path),
      });
    }
    for (const block of allBlocks.filter((b) => b.marker!.mode === 'excerpt')) {
      const source = read(block.marker!.attrs.path)
        .split('\n')
        .map((l) => l.trim());
      const missing = block.text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.endsWith('// new') && !source.includes(l));
      expect({ at: where(block), missing }).toEqual({ at: where(block), missing: [] });
    }
    // Every example file is shown in the guide.
    const shown = allBlocks.flatMap((b) => (b.marker!.mode === 'file' ? [b.marker!.attrs.path] : []));
    for (const file of readdirSync(path.join(repoRoot, 'docs/examples'))) {
      expect(shown).toContain(`docs/examples/${file}`);
    }
  });

  it('quotes messages the code really prints, and a diagram true to src/', async () => {
    for (const block of allBlocks.filter((b) => ['message', 'diagram'].includes(b.marker!.mode))) {
      try {
        await checks[block.marker!.attrs.id]({ block, output: '', json: [] });
      } catch (error) {
        throw new Error(`${where(block)}: ${(error as Error).message}`, { cause: error });
      }
    }
  });

  it('runs the user guide: every command, in order, with its output checked', async () => {
    await runDocument('docs/user-guide.md');
  }, 900_000);

  it('runs the README', async () => {
    await runDocument('README.md');
  }, 120_000);

  it("the example's domain code, errors, version 2 and its replay of version 1's history", async () => {
    // Domain code on numbers.
    const summary = summarizeCloses('X', [
      { date: '2026-11-18', adjClose: 100 },
      { date: '2026-11-19', adjClose: 80 },
      { date: '2026-11-20', adjClose: 110 },
    ]);
    expect(summary).toEqual({
      symbol: 'X',
      from: '2026-11-18',
      to: '2026-11-20',
      sessions: 3,
      firstClose: 100,
      lastClose: 110,
      change: expect.closeTo(0.1, 12),
      high: 110,
      low: 80,
    });
    expect(() => summarizeCloses('X', [])).toThrow('summarizeCloses: no closes for X');

    // Bars to summarize (already stored when the guide ran; an ingest is a no-op then).
    const ingest = await httpJson(base, 'POST', '/market-data/ingest', {
      symbols: ['AAPL', 'MSFT'],
      from: '2026-11-02',
      to: '2026-11-20',
      provider: 'synthetic',
    });
    await httpJson(
      base,
      'GET',
      `/workflows/${encodeURIComponent(ingest.body.workflowId)}/result?waitSeconds=30`,
    );

    // Version 1, started from code: bad input fails for good, naming the field; no bars is NoStoredBars.
    const v1 = { symbols: ['AAPL', 'MSFT'], from: '2026-11-02', to: '2026-11-20' };
    const key = randomUUID().slice(0, 8);
    const first = await startPriceSummary(stack.client, exampleQueue, v1, key);
    expect((await first.result()).summaries.map((s) => s.sessions)).toEqual([15, 15]);
    const failureOf = (handle: { result(): Promise<unknown> }) =>
      handle.result().then(
        () => undefined,
        (e: { cause?: { message?: string; type?: string; cause?: { message?: string; type?: string } } }) =>
          e.cause?.cause ?? e.cause,
      );
    const bad = await startPriceSummary(stack.client, exampleQueue, { ...v1, to: '2026-11-01' }, 'bad');
    expect(await failureOf(bad)).toMatchObject({
      type: 'InvalidPriceSummaryInput',
      message: 'Invalid price-summary input: to: must be a date on or after from',
    });
    const unknown = await startPriceSummary(
      stack.client,
      exampleQueue,
      { ...v1, symbols: ['ZZZZ'] },
      'nobars',
    );
    expect(await failureOf(unknown)).toMatchObject({ type: 'NoStoredBars' });
    await expect(startPriceSummary(stack.client, exampleQueue, v1, key)).rejects.toMatchObject({
      name: 'WorkflowExecutionAlreadyStartedError',
    });

    // Version 2 replays version 1's history (the patch keeps old runs on the old path) …
    const history = await first.fetchHistory();
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../docs/examples/price-summary-workflow-v2') },
      history,
      first.workflowId,
    );
    // … and without the patch it would not: the same change unguarded is a determinism violation.
    const unguarded = path.join(itEnv().workDir, `price-summary-unguarded-${randomUUID()}.ts`);
    const v2Source = read('docs/examples/price-summary-workflow-v2.ts');
    expect(v2Source).toContain("patched('price-summary-missing-sessions')");
    writeFileSync(unguarded, v2Source.replace("patched('price-summary-missing-sessions')", 'true'));
    const unguardedBundle = await bundleWorkflowCode({
      workflowsPath: unguarded,
      // The copy lives outside the repository; resolve @temporalio/workflow from the repository's node_modules.
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, modules: [path.join(repoRoot, 'node_modules'), 'node_modules'] },
      }),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    const violation = await Worker.runReplayHistory(
      { workflowBundle: unguardedBundle },
      history,
      first.workflowId,
    )
      .then(() => undefined)
      .catch((e: Error) => e);
    expect(violation?.name).toBe('DeterminismViolationError');

    // New runs of version 2 take the new path: the sessions of the window without a stored bar.
    const v2Queue = `docs-examples-v2-${randomUUID()}`;
    const v2Worker = await Worker.create({
      connection: exampleConnection,
      namespace: stack.config.temporal.namespace,
      taskQueue: v2Queue,
      workflowsPath: require.resolve('../../docs/examples/price-summary-workflow-v2'),
      activities: createPriceSummaryActivities({ bars: stack.stores.bars }),
    });
    // IBM is stored for 2026-11-09 to 11-20 only (no block of the docs touches it).
    const ibm = await httpJson(base, 'POST', '/market-data/ingest', {
      symbols: ['IBM'],
      from: '2026-11-09',
      to: '2026-11-20',
      provider: 'synthetic',
    });
    await httpJson(
      base,
      'GET',
      `/workflows/${encodeURIComponent(ibm.body.workflowId)}/result?waitSeconds=30`,
    );
    const result = await v2Worker.runUntil(async (): Promise<PriceSummaryResultV2> => {
      const handle = await startPriceSummary(
        stack.client,
        v2Queue,
        { symbols: ['IBM'], from: '2026-11-02', to: '2026-11-20' },
        randomUUID().slice(0, 8),
      );
      return handle.result();
    });
    expect(result.summaries[0].sessions).toBe(10);
    expect(result.summaries[0].missingSessions).toEqual([
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
    ]);
  }, 180_000);
});
