import type { ProviderName } from '../../../src/market-data/bar';
import {
  chooseStageExecution,
  LOCAL_STAGE_LIMITS,
  type StageExecutionContext,
} from '../../../src/pipeline/stage-execution';

const context = (overrides: Partial<StageExecutionContext> = {}): StageExecutionContext => ({
  mode: 'auto',
  defaultAnalyst: 'deterministic',
  isLocalProvider: (provider: ProviderName) => provider !== 'yahoo',
  fallbacksOf: () => [],
  ...overrides,
});

const small = {
  symbols: ['AAPL', 'MSFT', 'SPY'],
  provider: 'synthetic' as ProviderName,
  lookbackDays: 252,
  monteCarloPaths: 10_000,
  ingestBatchSize: 5,
};

describe('chooseStageExecution', () => {
  it('runs a small run on local data with the deterministic analyst locally', () => {
    expect(chooseStageExecution(small, context())).toEqual({
      execution: 'local',
      reason: expect.stringMatching(/small run/),
    });
    expect(chooseStageExecution({ ...small, provider: 'csv' }, context()).execution).toBe('local');
  });

  it('keeps every run on activities when turned off', () => {
    expect(chooseStageExecution(small, context({ mode: 'activities' }))).toEqual({
      execution: 'activities',
      reason: expect.stringMatching(/WORKER_LOCAL_STAGES/),
    });
  });

  it('keeps model-calling analysts on activities, whether asked for or the worker default', () => {
    expect(chooseStageExecution({ ...small, analyst: 'llm' }, context()).reason).toMatch(/llm analyst/);
    expect(chooseStageExecution(small, context({ defaultAnalyst: 'supervisor' })).reason).toMatch(
      /supervisor analyst/,
    );
    expect(
      chooseStageExecution({ ...small, analyst: 'deterministic' }, context({ defaultAnalyst: 'llm' }))
        .execution,
    ).toBe('local');
  });

  it('keeps remote providers, and local ones that fall back to a remote one, on activities', () => {
    expect(chooseStageExecution({ ...small, provider: 'yahoo' }, context()).reason).toMatch(/provider yahoo/);
    const csvFallsBackToYahoo = context({ fallbacksOf: (p) => (p === 'csv' ? ['yahoo'] : []) });
    expect(chooseStageExecution({ ...small, provider: 'csv' }, csvFallsBackToYahoo).reason).toMatch(
      /provider yahoo/,
    );
    const csvFallsBackToSynthetic = context({ fallbacksOf: (p) => (p === 'csv' ? ['synthetic'] : []) });
    expect(chooseStageExecution({ ...small, provider: 'csv' }, csvFallsBackToSynthetic).execution).toBe(
      'local',
    );
  });

  it('keeps large runs on activities: more than one batch, long windows, many Monte Carlo paths', () => {
    expect(chooseStageExecution({ ...small, ingestBatchSize: 2 }, context()).reason).toMatch(/3 symbols/);
    const many = Array.from({ length: LOCAL_STAGE_LIMITS.symbols + 1 }, (_, i) => `S${i}`);
    expect(chooseStageExecution({ ...small, symbols: many, ingestBatchSize: 50 }, context()).reason).toMatch(
      /11 symbols/,
    );
    expect(
      chooseStageExecution({ ...small, lookbackDays: LOCAL_STAGE_LIMITS.lookbackSessions + 1 }, context())
        .execution,
    ).toBe('activities');
    expect(
      chooseStageExecution({ ...small, lookbackDays: LOCAL_STAGE_LIMITS.lookbackSessions }, context())
        .execution,
    ).toBe('local');
    expect(
      chooseStageExecution({ ...small, monteCarloPaths: LOCAL_STAGE_LIMITS.monteCarloPaths + 1 }, context())
        .reason,
    ).toMatch(/Monte Carlo/);
  });
});
