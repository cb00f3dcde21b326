/** The backtest workflow's input contract (shared by the API's 400s and the workflow's validation activity). */
import { z } from 'zod';
import { PROVIDER_NAMES } from '../market-data/bar';
import { isTradingSession, sessionsBack, tradingSessions } from '../market-data/sessions';
import { SYMBOL_PATTERN, toInputIssues, type ParseResult } from '../pipeline/input';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in YYYY-MM-DD form');
const symbol = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(SYMBOL_PATTERN, 'must be a ticker symbol such as AAPL'));

/** Sessions of history loaded before `from` so the indicators are defined on the first backtested day. */
export const BACKTEST_WARMUP_SESSIONS = 60;
export const MIN_BACKTEST_SESSIONS = 20;

export const backtestInputSchema = z
  .object({
    symbols: z
      .array(symbol)
      .min(1, 'must list at least one symbol')
      .max(20, 'must list at most 20 symbols')
      .refine((l) => new Set(l).size === l.length, 'must not repeat a symbol'),
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
  .refine((b) => b.from <= b.to, { message: 'must not be before from', path: ['to'] })
  .refine((b) => tradingSessions(b.from, b.to).length >= MIN_BACKTEST_SESSIONS, {
    message: `the range must hold at least ${MIN_BACKTEST_SESSIONS} trading sessions`,
    path: ['to'],
  });

export type BacktestRequest = z.input<typeof backtestInputSchema>;

export interface ResolvedBacktestInput extends z.output<typeof backtestInputSchema> {
  provider: NonNullable<z.output<typeof backtestInputSchema>['provider']>;
  /** First session loaded (warm-up history before `from`). */
  historyFrom: string;
}

export function resolveBacktestInput(
  raw: unknown,
  defaultProvider: ResolvedBacktestInput['provider'],
): ParseResult<ResolvedBacktestInput> {
  const parsed = backtestInputSchema.safeParse(raw);
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
