/**
 * The benchmark's trivial pipeline stages: each does next to nothing, so a run's time is all Temporal
 * dispatch. Shaped like the real ingest → signal → risk stages (small JSON in, small JSON out).
 */
export interface StageInput {
  symbols: string[];
}

export interface StageResult {
  stage: 'ingest' | 'signal' | 'risk';
  symbols: number;
}

export function createBenchActivities() {
  return {
    ingest(input: StageInput): Promise<StageResult> {
      return Promise.resolve({ stage: 'ingest', symbols: input.symbols.length });
    },
    signal(input: StageInput): Promise<StageResult> {
      return Promise.resolve({ stage: 'signal', symbols: input.symbols.length });
    },
    risk(input: StageInput): Promise<StageResult> {
      return Promise.resolve({ stage: 'risk', symbols: input.symbols.length });
    },
  };
}

export type BenchActivities = ReturnType<typeof createBenchActivities>;
