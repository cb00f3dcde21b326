/**
 * Replays recorded histories (test/fixtures/histories, made by `npm run histories:record`) against the current
 * workflow code. A change that would break running workflows (a new activity call, reordered commands) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { itEnv } from '../support/harness';

const dir = path.join(__dirname, '../fixtures/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('workflow replay against recorded histories', () => {
  it('has histories of every workflow type', () => {
    expect(files.some((f) => f.startsWith('tradingPipeline-'))).toBe(true);
    expect(files.some((f) => f.startsWith('ingestMarketData-'))).toBe(true);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { codePath: itEnv().bundlePath } }, history, file);
  });

  it('fails on a nondeterministic change to the workflow code', async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/workflows/changed-pipeline'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    const file = files.find((f) => f.startsWith('tradingPipeline-completed'))!;
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    const outcome = await Worker.runReplayHistory({ workflowBundle: changed }, history, file).then(
      () => 'replayed',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('DeterminismViolationError');
  });
});
