/** The backtest workflow's input contract (shared by the API's 400s and the workflow's validation activity). */
import { z } from 'zod';
import { PROVIDER_NAMES } from '../market-data/bar';
import { isTradingSession, sessionsBack, tradingSessions } from '../market-data/sessions';
import {
  calendarDaysFor,
  calendarSpanDays,
  DEFAULT_REQUEST_BOUNDS,
  type RequestBounds,
} from '../pipeline/bounds';
import { isoDateWithin, symbolList, toInputIssues, type ParseResult } from '../pipeline/input';

/** Sessions of history loaded before `from` so the indicators are defined on the first backtested day. */
export const BACKTEST_WARMUP_SESSIONS = 60;
export const MIN_BACKTEST_SESSIONS = 20;

/**
 * The backtest request for the given bounds. Dates are year-bounded and the range's calendar span is checked before
 * its sessions are counted, so an absurd range costs no calendar work.
 */
function buildBacktestInputSchema(bounds: RequestBounds) {
  const isoDate = isoDateWithin(bounds);
  const maxSpan = calendarDaysFor(bounds.maxBacktestSessions);
  return z
    .object({
      symbols: symbolList(bounds.maxBacktestSymbols, 'TRADEFLOW_MAX_BACKTEST_SYMBOLS'),
      from: isoDate,
      to: isoDate,
      provider: z.enum(PROVIDER_NAMES).optional(),
      params: z
        .object({
          initialCapital: z.number().positive().finite().default(100_000),
          positionSize: z.number().gt(0).max(1).default(1),
          allowShort: z.boolean().default(false),
          costBps: z.number().min(0).max(1000).default(5),
          slippageBps: z.number().min(0).max(1000).default(5),
          rebalance: z.boolean().default(false),
        })
        .strict()
        .default({
          initialCapital: 100_000,
          positionSize: 1,
          allowShort: false,
          costBps: 5,
          slippageBps: 5,
          rebalance: false,
        }),
    })
    .strict()
    .superRefine((b, ctx) => {
      // One check in order: a range that fails a cheap test is never walked session by session.
      const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['to'], message });
      if (b.from > b.to) return issue('must not be before from');
      const span = calendarSpanDays(b.from, b.to);
      if (span > maxSpan) {
        return issue(
          `the range ${b.from}..${b.to} spans ${span} calendar days; at most ${maxSpan} (${bounds.maxBacktestSessions} sessions, TRADEFLOW_MAX_BACKTEST_SESSIONS)`,
        );
      }
      const sessions = tradingSessions(b.from, b.to).length;
      if (sessions < MIN_BACKTEST_SESSIONS) {
        issue(`the range must hold at least ${MIN_BACKTEST_SESSIONS} trading sessions`);
      } else if (sessions > bounds.maxBacktestSessions) {
        issue(
          `the range holds ${sessions} trading sessions; at most ${bounds.maxBacktestSessions} (TRADEFLOW_MAX_BACKTEST_SESSIONS)`,
        );
      }
    });
}

const schemasByBounds = new WeakMap<RequestBounds, ReturnType<typeof buildBacktestInputSchema>>();

/** The backtest request schema for the given bounds (built once per bounds object). */
export function backtestInputSchemaFor(bounds: RequestBounds = DEFAULT_REQUEST_BOUNDS) {
  let schema = schemasByBounds.get(bounds);
  if (!schema) {
    schema = buildBacktestInputSchema(bounds);
    schemasByBounds.set(bounds, schema);
  }
  return schema;
}

/** The backtest request with the default bounds (OpenAPI document, types). */
export const backtestInputSchema = backtestInputSchemaFor();

export type BacktestRequest = z.input<typeof backtestInputSchema>;

export interface ResolvedBacktestInput extends z.output<typeof backtestInputSchema> {
  provider: NonNullable<z.output<typeof backtestInputSchema>['provider']>;
  /** First session loaded (warm-up history before `from`). */
  historyFrom: string;
}

export function resolveBacktestInput(
  raw: unknown,
  defaultProvider: ResolvedBacktestInput['provider'],
  bounds: RequestBounds = DEFAULT_REQUEST_BOUNDS,
): ParseResult<ResolvedBacktestInput> {
  const parsed = backtestInputSchemaFor(bounds).safeParse(raw);
  if (!parsed.success) return { ok: false, issues: toInputIssues(parsed.error) };
  const first = isTradingSession(parsed.data.from)
    ? parsed.data.from
    : tradingSessions(parsed.data.from, parsed.data.to)[0];
  return {
    ok: true,
    value: {
      ...parsed.data,
      provider: parsed.data.provider ?? defaultProvider,
      historyFrom: sessionsBack(first, BACKTEST_WARMUP_SESSIONS + 1),
    },
  };
}
