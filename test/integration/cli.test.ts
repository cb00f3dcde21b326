/** The real Temporal CLI binary starts a pipeline with plain JSON input; our API reads the result. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { INGEST_MARKET_DATA_WORKFLOW, TRADING_PIPELINE_WORKFLOW } from '../../src/contracts/workflow-names';
import { eventually, httpJson, itEnv, startStack, type TestStack } from '../support/harness';

const run = promisify(execFile);

describe('Temporal CLI', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const temporal = (...args: string[]) =>
    run(itEnv().cliPath, [...args, '--address', itEnv().address, '--namespace', 'default'], {
      timeout: 60_000,
    });

  // The same command line the README shows, pointed at this suite's server and task queue.
  const startWithCli = (workflowId: string, inputJson: string, type: string = TRADING_PIPELINE_WORKFLOW) =>
    temporal(
      'workflow',
      'start',
      '--task-queue',
      stack.config.temporal.taskQueue,
      '--type',
      type,
      '--workflow-id',
      workflowId,
      '--input',
      inputJson,
    );
  /** The API's answer for a finished run. */
  const resultOf = (workflowId: string) =>
    eventually(async () => {
      const r = await httpJson(stack.baseUrl!, 'GET', `/workflows/${workflowId}/result`);
      return r.status === 200 ? r : undefined;
    });

  it('`temporal workflow start --type tradingPipeline --input <json>` runs a pipeline the API can read', async () => {
    const workflowId = `cli-${randomUUID()}`;
    await startWithCli(
      workflowId,
      '{"symbols": ["AAPL", "MSFT"], "provider": "synthetic", "lookbackDays": 60}',
    );
    const result = await resultOf(workflowId);
    expect(result.body.status).toBe('COMPLETED');
    expect(result.body.result.input.symbols).toEqual(['AAPL', 'MSFT']);
    expect(result.body.result.signals).toHaveLength(2);

    // Visible to `temporal workflow list --query` on our search attributes, and to `describe`.
    const listed = await eventually(async () => {
      const { stdout } = await temporal(
        'workflow',
        'list',
        '--query',
        `PipelineStage='completed' AND WorkflowId='${workflowId}'`,
        '-o',
        'json',
      );
      return stdout.includes(workflowId) ? stdout : undefined;
    });
    expect(listed).toContain(workflowId);
    const { stdout: described } = await temporal('workflow', 'describe', '--workflow-id', workflowId);
    expect(described).toMatch(/Status\s+COMPLETED/);
    // The CLI prints search attributes as raw payloads: PipelineStage:… data:"\"completed\"".
    expect(described).toMatch(/PipelineStage:[^\]]*completed/);
    expect(described).toMatch(/Symbols:[^\]]*AAPL/);
  });

  it('`temporal workflow start --type ingestMarketData` ingests intraday bars, and bad input fails naming the field', async () => {
    const good = `cli-ingest-${randomUUID()}`;
    await startWithCli(
      good,
      '{"symbols": ["IWM"], "from": "2026-11-23", "to": "2026-11-23", "provider": "synthetic", "interval": "30m"}',
      INGEST_MARKET_DATA_WORKFLOW,
    );
    const done = await resultOf(good);
    expect(done.body.result.symbols[0]).toMatchObject({ symbol: 'IWM', interval: '30m', inserted: 13 });

    const bad = `cli-ingest-${randomUUID()}`;
    await startWithCli(
      bad,
      '{"symbols": ["IWM"], "from": "2026-11-23", "to": "2026-11-23", "provider": "synthetic", "interval": "7m"}',
      INGEST_MARKET_DATA_WORKFLOW,
    );
    const failed = await resultOf(bad);
    expect(failed.body.status).toBe('FAILED');
    expect(failed.body.error.message).toMatch(/Invalid ingest input: interval: must be one of 1d, 1m/);
  });

  it('runs started by the API are visible to the CLI with our search attributes', async () => {
    const started = await httpJson(stack.baseUrl!, 'POST', '/workflows/trigger', {
      workflow_id: 'trading_pipeline',
      parameters: { symbols: ['SPY'], lookbackDays: 30, book: 'clibook' },
    });
    expect(started.status).toBe(202);
    await eventually(async () => {
      const r = await httpJson(
        stack.baseUrl!,
        'GET',
        `/workflows/${encodeURIComponent(started.body.workflowId)}/result`,
      );
      return r.status === 200 ? r : undefined;
    });
    const listed = await eventually(async () => {
      const { stdout } = await temporal(
        'workflow',
        'list',
        '--query',
        "PipelineStage='completed' AND Symbols='SPY'",
        '-o',
        'json',
      );
      return stdout.includes(started.body.workflowId) ? stdout : undefined;
    });
    expect(listed).toContain('clibook');
  });

  it('bad JSON input is answered with a failed run naming the field, not a crash', async () => {
    const workflowId = `cli-bad-${randomUUID()}`;
    await startWithCli(workflowId, '{"symbols": "AAPL"}');
    const result = await eventually(async () => {
      const r = await httpJson(stack.baseUrl!, 'GET', `/workflows/${workflowId}/result`);
      return r.status === 200 ? r : undefined;
    });
    expect(result.body.status).toBe('FAILED');
    expect(result.body.error.message).toMatch(/symbols: .*expected array/);
    expect(result.body.error.type).toBe('InvalidPipelineInput');
  });
});
