/** How a pipeline run's work stages execute (chosen once by validation; src/pipeline/stage-execution.ts decides). */
export const STAGE_EXECUTIONS = ['local', 'activities'] as const;
export type StageExecution = (typeof STAGE_EXECUTIONS)[number];

export interface StageExecutionChoice {
  execution: StageExecution;
  /** Why: which rule kept the run on activities, or that it qualified. */
  reason: string;
}
