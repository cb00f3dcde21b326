/**
 * Replays recorded histories (test/fixtures/histories, made by `npm run histories:record`) against the current
 * workflow code. A change that would break running workflows (a new activity call, reordered commands) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { itEnv, quietRuntime } from '../support/harness';

const dir = path.join(__dirname, '../fixtures/histories');
/** Replay needs each history's original workflow id; the recorder writes them to index.json. */
const workflowIds = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as Record<string, string>;
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));

describe('workflow replay against recorded histories', () => {
  beforeAll(quietRuntime);

  it('has histories of every workflow type, each with its workflow id', () => {
    expect(files.some((f) => f.startsWith('tradingPipeline-'))).toBe(true);
    expect(files.some((f) => f.startsWith('ingestMarketData-'))).toBe(true);
    expect(files.some((f) => f.startsWith('quotePolling-'))).toBe(true);
    expect(files.some((f) => f.startsWith('backtest-'))).toBe(true);
    for (const file of files) expect(workflowIds[file]).toEqual(expect.any(String));
  });

  it.each(files)('%s replays deterministically', async (file) => {
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: itEnv().bundlePath } },
      load(file),
      workflowIds[file],
    );
  });

  it('fails on a nondeterministic change to the workflow code', async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/workflows/changed-pipeline'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    const file = 'tradingPipeline-completed-remote.json';
    const error = await Worker.runReplayHistory(
      { workflowBundle: changed },
      load(file),
      workflowIds[file],
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('DeterminismViolationError');
    // It is the changed command sequence that is caught, not some unrelated mismatch.
    expect(error?.message).toMatch(/generateSignals|recordRunStatus|activity/i);
  });
});
