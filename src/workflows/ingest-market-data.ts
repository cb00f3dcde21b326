/** Child workflow: ingests one batch of symbols, one activity per symbol, in parallel. */
import { proxyActivities } from '@temporalio/workflow';
import type { createMarketDataActivities } from '../activities/market-data-activities';
import type { IngestMarketDataInput, IngestMarketDataResult } from './pipeline-types';

const { ingestSymbol } = proxyActivities<ReturnType<typeof createMarketDataActivities>>({
  // A symbol's history is fetched in chunks; each chunk heartbeats, so a dead worker is noticed within 10 s and the
  // retry resumes from the last stored chunk.
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['UnknownSymbolError', 'MalformedMarketDataError', 'InvalidPipelineInput'],
  },
});

export async function ingestMarketData(input: IngestMarketDataInput): Promise<IngestMarketDataResult> {
  const symbols = await Promise.all(
    input.symbols.map((symbol) =>
      ingestSymbol({
        run: input.run,
        symbol,
        from: input.from,
        to: input.to,
        provider: input.provider,
        refresh: input.refresh,
      }),
    ),
  );
  return { symbols };
}
