/**
 * How a run's work stages (ingest, risk, signals) execute: as ordinary activities, or as local activities inside
 * the pipeline's workflow task.
 *
 * Local activities skip a task dispatch and a workflow task per stage, so a whole small run completes in one
 * workflow task. They suit work that is short, local and bounded: no network calls that may be slow or
 * rate-limited, no model calls, a small universe. Everything else stays on ordinary activities, which heartbeat,
 * resume an interrupted ingest from its last stored chunk, and can be routed and rate-limited on their own.
 * The choice is made once per run, by the validation activity, and recorded in the run's history with its input,
 * so a replay takes the same path whatever the worker's configuration is by then.
 */
import type { ProviderName } from '../market-data/bar';
import type { StageExecutionChoice } from '../contracts/stage-execution';
import type { AnalystKind, ResolvedPipelineInput } from './input';

export {
  STAGE_EXECUTIONS,
  type StageExecution,
  type StageExecutionChoice,
} from '../contracts/stage-execution';

/** `auto`: local when the run qualifies (below); `activities`: never local. */
export const LOCAL_STAGE_MODES = ['auto', 'activities'] as const;
export type LocalStageMode = (typeof LOCAL_STAGE_MODES)[number];

/** The largest run that may execute its stages locally. */
export const LOCAL_STAGE_LIMITS = {
  symbols: 10,
  lookbackSessions: 1260,
  monteCarloPaths: 50_000,
} as const;

export interface StageExecutionContext {
  mode: LocalStageMode;
  /** The analyst a run uses when its input names none. */
  defaultAnalyst: AnalystKind;
  /**
   * Whether a provider serves bars without a network call: the CSV files and the synthetic generator do, unless
   * the synthetic one simulates vendor latency (TRADEFLOW_SYNTHETIC_LATENCY_MS); Yahoo never does.
   */
  isLocalProvider: (provider: ProviderName) => boolean;
  /** Providers a provider falls back to (TRADEFLOW_PROVIDER_FALLBACKS): they must be local too. */
  fallbacksOf: (provider: ProviderName) => readonly ProviderName[];
}

export function chooseStageExecution(
  input: Pick<
    ResolvedPipelineInput,
    'symbols' | 'provider' | 'analyst' | 'lookbackDays' | 'monteCarloPaths' | 'ingestBatchSize'
  >,
  context: StageExecutionContext,
): StageExecutionChoice {
  const activities = (reason: string): StageExecutionChoice => ({ execution: 'activities', reason });
  if (context.mode === 'activities') return activities('local stages are turned off (WORKER_LOCAL_STAGES)');
  const analyst = input.analyst ?? context.defaultAnalyst;
  if (analyst !== 'deterministic') return activities(`the ${analyst} analyst calls a model`);
  const providers = [input.provider, ...context.fallbacksOf(input.provider)];
  const remote = providers.find((provider) => !context.isLocalProvider(provider));
  if (remote) return activities(`provider ${remote} calls a vendor (or simulates its latency)`);
  if (input.symbols.length > Math.min(LOCAL_STAGE_LIMITS.symbols, input.ingestBatchSize)) {
    return activities(`${input.symbols.length} symbols is more than one local batch`);
  }
  if (input.lookbackDays > LOCAL_STAGE_LIMITS.lookbackSessions) {
    return activities(`a ${input.lookbackDays}-session window is too long for a local stage`);
  }
  if (input.monteCarloPaths > LOCAL_STAGE_LIMITS.monteCarloPaths) {
    return activities(`${input.monteCarloPaths} Monte Carlo paths is too many for a local stage`);
  }
  return { execution: 'local', reason: 'small run on local data with the deterministic analyst' };
}
