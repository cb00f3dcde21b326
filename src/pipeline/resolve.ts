/** Turns a validated request into the fully specified input the stages run on (dates, defaults, positions). */
import type { ProviderName } from '../market-data/bar';
import { isTradingSession, previousSession, sessionsBack } from '../market-data/sessions';
import {
  DEFAULT_LIMITS,
  DEFAULT_QUANTITY,
  parsePipelineInput,
  type InputIssue,
  type ParseResult,
  type ResolvedPipelineInput,
} from './input';

export interface ResolveContext {
  /** ISO timestamp the run is for (the schedule's nominal time, or the workflow start time). */
  referenceTime: string;
  defaultProvider: ProviderName;
}

/** The last trading session on or before the given instant's UTC date. */
export function lastSessionOnOrBefore(isoTimestamp: string): string {
  const date = isoTimestamp.slice(0, 10);
  return isTradingSession(date) ? date : previousSession(date);
}

export function resolvePipelineInput(
  raw: unknown,
  context: ResolveContext,
): ParseResult<ResolvedPipelineInput> {
  const parsed = parsePipelineInput(raw);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const issues: InputIssue[] = [];

  const asOf = request.asOf ?? lastSessionOnOrBefore(context.referenceTime);
  if (request.asOf && !isTradingSession(asOf)) {
    issues.push({
      field: 'asOf',
      message: `${asOf} is not a trading session (weekends and NYSE holidays have no bars)`,
    });
  }
  const positions =
    request.positions ?? request.symbols.map((symbol) => ({ symbol, quantity: DEFAULT_QUANTITY }));
  positions.forEach((position, index) => {
    if (!request.symbols.includes(position.symbol)) {
      issues.push({
        field: `positions.${index}.symbol`,
        message: `${position.symbol} is not one of the symbols`,
      });
    }
  });
  if (issues.length > 0) return { ok: false, issues };

  return {
    ok: true,
    value: {
      book: request.book,
      symbols: request.symbols,
      asOf,
      from: sessionsBack(asOf, request.lookbackDays),
      lookbackDays: request.lookbackDays,
      provider: request.provider ?? context.defaultProvider,
      positions,
      limits: { ...DEFAULT_LIMITS, ...request.limits },
      confidence: request.confidence,
      horizonDays: request.horizonDays,
      ...(request.varBacktest ? { varBacktest: request.varBacktest } : {}),
      ingestBatchSize: request.ingestBatchSize,
      monteCarloPaths: request.monteCarloPaths,
      seed: request.seed,
      refresh: request.refresh,
    },
  };
}
