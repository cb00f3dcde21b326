/** Turns a validated request into the fully specified input the stages run on (dates, defaults, positions). */
import type { ProviderName } from '../market-data/bar';
import { isTradingSession, previousSession, sessionsBack, tradingSessions } from '../market-data/sessions';
import {
  calendarDaysFor,
  calendarSpanDays,
  DEFAULT_REQUEST_BOUNDS,
  MIN_WINDOW_SESSIONS,
  type RequestBounds,
} from './bounds';
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
  /** The configured maxima (config.requestBounds); absent: the defaults. */
  bounds?: RequestBounds;
}

/** The last trading session on or before the given instant's UTC date. */
export function lastSessionOnOrBefore(isoTimestamp: string): string {
  const date = isoTimestamp.slice(0, 10);
  return isTradingSession(date) ? date : previousSession(date);
}

export const DEFAULT_LOOKBACK_SESSIONS = 252;

/** The window's first session and length: from an explicit `from`, else `lookbackDays` (default 252) back. */
function resolveWindow(
  from: string | undefined,
  lookbackDays: number | undefined,
  asOf: string,
  issues: InputIssue[],
  maxSessions: number,
): { from: string; sessions: number } {
  if (from === undefined) {
    const sessions = lookbackDays ?? DEFAULT_LOOKBACK_SESSIONS;
    return { from: sessionsBack(asOf, sessions), sessions };
  }
  if (lookbackDays !== undefined)
    issues.push({ field: 'from', message: 'give either from or lookbackDays, not both' });
  // With a default asOf the schema could not see the span: refuse a long one here before counting its sessions.
  const span = calendarSpanDays(from, asOf);
  if (span > calendarDaysFor(maxSessions)) {
    issues.push({
      field: 'from',
      message: `the window ${from}..${asOf} spans ${span} calendar days; it must hold ${MIN_WINDOW_SESSIONS}-${maxSessions} sessions (TRADEFLOW_MAX_LOOKBACK_SESSIONS)`,
    });
    return { from, sessions: 0 };
  }
  const sessions = from <= asOf ? tradingSessions(from, asOf).length : 0;
  if (sessions < MIN_WINDOW_SESSIONS || sessions > maxSessions) {
    issues.push({
      field: 'from',
      message: `the window ${from}..${asOf} holds ${sessions} sessions; it must hold ${MIN_WINDOW_SESSIONS}-${maxSessions}`,
    });
  }
  return { from, sessions };
}

export function resolvePipelineInput(
  raw: unknown,
  context: ResolveContext,
): ParseResult<ResolvedPipelineInput> {
  const bounds = context.bounds ?? DEFAULT_REQUEST_BOUNDS;
  const parsed = parsePipelineInput(raw, bounds);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const issues: InputIssue[] = [];

  if (request.asOf && request.to && request.asOf !== request.to) {
    issues.push({ field: 'to', message: `differs from asOf (${request.asOf}); give one of them` });
  }
  const explicitEnd = request.asOf ?? request.to;
  const asOf = explicitEnd ?? lastSessionOnOrBefore(context.referenceTime);
  if (explicitEnd && !isTradingSession(asOf)) {
    issues.push({
      field: request.asOf ? 'asOf' : 'to',
      message: `${asOf} is not a trading session (weekends and NYSE holidays have no bars)`,
    });
  }
  const window = resolveWindow(request.from, request.lookbackDays, asOf, issues, bounds.maxLookbackSessions);
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
      from: window.from,
      lookbackDays: window.sessions,
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
      ...(request.analyst ? { analyst: request.analyst } : {}),
      tradeNotional: request.tradeNotional,
      approvalTimeoutSeconds: request.approvalTimeoutSeconds,
    },
  };
}
