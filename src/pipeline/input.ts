/**
 * The pipeline's input contract: a zod schema shared by the API (400 naming the field) and the workflow's
 * validation activity (non-retryable failure naming the field), so an HTTP start and a `temporal workflow start`
 * are judged by the same rules and get the same defaults.
 */
import { z } from 'zod';
import { TICKER_PATTERN } from '../contracts/ticker';
import { PROVIDER_NAMES, type ProviderName } from '../market-data/bar';
import { DEFAULT_APPROVAL_TIMEOUT_SECONDS, DEFAULT_TRADE_NOTIONAL } from '../contracts/approvals';
import { isIsoDate } from '../market-data/sessions';
import {
  calendarDaysFor,
  calendarSpanDays,
  DEFAULT_REQUEST_BOUNDS,
  MIN_WINDOW_SESSIONS,
  yearOf,
  yearRangeMessage,
  type RequestBounds,
} from './bounds';
import type { StageExecutionChoice } from '../contracts/stage-execution';

const ISO_DATE_FORM = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A YYYY-MM-DD date within the bounds' years. One check, in order (form, year, real date), so a malformed value
 * gets one message and nothing is computed for a year out of range.
 */
export function isoDateWithin(bounds: RequestBounds) {
  // `continue: false`: a bad date stops the object's cross-field checks too, which then see only good dates.
  const refuse = (ctx: z.RefinementCtx, message: string) =>
    ctx.addIssue({ code: 'custom', message, continue: false });
  return z.string().superRefine((value, ctx) => {
    if (!ISO_DATE_FORM.test(value)) return refuse(ctx, 'must be a date in YYYY-MM-DD form');
    const year = yearOf(value);
    if (year < bounds.minYear || year > bounds.maxYear) return refuse(ctx, yearRangeMessage(bounds));
    if (!isIsoDate(value)) refuse(ctx, 'must be a real calendar date');
  });
}

/** One ticker symbol, trimmed and upper-cased: the one rule every request that names symbols uses. */
export const tickerSymbol = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .pipe(z.string().regex(TICKER_PATTERN, 'must be a ticker symbol such as AAPL or BRK.B (1-15 characters)'));
const symbol = tickerSymbol;

/** A list of one to `max` distinct ticker symbols; `limit` says where the maximum comes from (its variable). */
export function symbolList(max: number, limit?: string) {
  return z
    .array(tickerSymbol)
    .min(1, 'must list at least one symbol')
    .max(max, `must list at most ${max} symbols${limit ? ` (${limit})` : ''}`)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a symbol');
}

const finitePositive = z.number().finite().positive();

const tags = z
  .array(z.string().regex(/^[A-Za-z0-9_.:-]{1,40}$/, 'must be 1-40 letters, digits, "_", ".", ":" or "-"'))
  .max(10);

/** A position in shares (`quantity`) or in the book's currency (`marketValue`), never both; negative = short. */
export const positionSchema = z.union(
  [
    z.object({ symbol, quantity: z.number().finite(), tags: tags.optional() }).strict(),
    z.object({ symbol, marketValue: z.number().finite(), tags: tags.optional() }).strict(),
  ],
  { message: 'must have a finite quantity or a finite marketValue (not both), and optional tags' },
);

export const riskLimitsSchema = z
  .object({
    maxPositionNotional: finitePositive.optional(),
    maxPositionNotionalBySymbol: z.record(z.string(), finitePositive).optional(),
    maxGrossNotional: finitePositive.optional(),
    maxNetNotional: finitePositive.optional(),
    maxConcentration: z.number().gt(0).max(1).optional(),
    maxNotionalByTag: z.record(z.string(), finitePositive).optional(),
    maxPairwiseCorrelation: z.number().min(0).max(1).optional(),
    maxAveragePairwiseCorrelation: z.number().min(-1).max(1).optional(),
    maxVaR: finitePositive.optional(),
  })
  .strict();

export const DEFAULT_LIMITS = {
  maxPositionNotional: 1_000_000,
  maxGrossNotional: 5_000_000,
  maxPairwiseCorrelation: 0.9,
} as const;

export const DEFAULT_QUANTITY = 100;

export { DEFAULT_APPROVAL_TIMEOUT_SECONDS, DEFAULT_TRADE_NOTIONAL };

export const ANALYST_KINDS = ['deterministic', 'llm', 'supervisor'] as const;
export type AnalystKind = (typeof ANALYST_KINDS)[number];

/**
 * The input object for the given bounds, without the cross-field window check (so it can be `.omit()`ted, as the
 * schedule request does); `pipelineInputSchemaFor` adds that check.
 */
export function pipelineInputObject(bounds: RequestBounds = DEFAULT_REQUEST_BOUNDS) {
  const isoDate = isoDateWithin(bounds);
  return z
    .object({
      book: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, "_" or "-"')
        .default('default'),
      symbols: symbolList(
        bounds.maxSymbols,
        'TRADEFLOW_MAX_SYMBOLS; the result, with its correlation matrix, must fit in a Temporal payload',
      ),
      asOf: isoDate.optional(),
      /** Alias of asOf, for callers who think in windows: `from`..`to`. */
      to: isoDate.optional(),
      /** An explicit first session of the window (inclusive), instead of lookbackDays. */
      from: isoDate.optional(),
      lookbackDays: z.number().int().min(MIN_WINDOW_SESSIONS).max(bounds.maxLookbackSessions).optional(),
      provider: z.enum(PROVIDER_NAMES).optional(),
      positions: z.array(positionSchema).max(200).optional(),
      limits: riskLimitsSchema.optional(),
      confidence: z.number().gt(0.5).lt(1).default(0.99),
      horizonDays: z.number().int().min(1).max(bounds.maxHorizonDays).default(1),
      varBacktest: z
        .union(
          [z.literal(false), z.object({ window: z.number().int().min(20).max(1000).default(250) }).strict()],
          {
            message: 'must be false or { "window": 20-1000 }',
          },
        )
        .default({ window: 250 }),
      ingestBatchSize: z.number().int().min(1).max(50).default(5),
      monteCarloPaths: z.number().int().min(1000).max(bounds.maxMonteCarloPaths).default(10_000),
      seed: z.number().int().default(42),
      refresh: z.boolean().default(false),
      /** Book-currency size of the trade a BUY or SELL implies, which the risk gate checks against the limits. */
      tradeNotional: z.number().finite().positive().max(1e12).default(DEFAULT_TRADE_NOTIONAL),
      /** How long a flagged signal waits for approve/reject before it is rejected automatically. */
      approvalTimeoutSeconds: z.number().int().min(1).max(604_800).default(DEFAULT_APPROVAL_TIMEOUT_SECONDS),
      /** The signal analyst for this run; default TRADEFLOW_ANALYST (deterministic unless configured). */
      analyst: z.enum(ANALYST_KINDS, { message: `must be one of ${ANALYST_KINDS.join(', ')}` }).optional(),
    })
    .strict();
}

/** The input schema with the default bounds (OpenAPI document, schedules). */
export const pipelineInputSchema = pipelineInputObject();

const schemasByBounds = new WeakMap<RequestBounds, ReturnType<typeof refinedPipelineInput>>();

function refinedPipelineInput(bounds: RequestBounds) {
  const maxSpan = calendarDaysFor(bounds.maxLookbackSessions);
  return pipelineInputObject(bounds).superRefine((input, ctx) => {
    // An explicit window longer than any window of maxLookbackSessions sessions is refused before anyone counts its
    // sessions (resolve.ts counts them exactly once the span is known to be small).
    const end = input.asOf ?? input.to;
    if (input.from === undefined || end === undefined) return;
    const span = calendarSpanDays(input.from, end);
    if (span > maxSpan) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: `the window ${input.from}..${end} spans ${span} calendar days; at most ${maxSpan} (${bounds.maxLookbackSessions} sessions, TRADEFLOW_MAX_LOOKBACK_SESSIONS)`,
      });
    }
  });
}

/** The full input schema for the given bounds (built once per bounds object). */
export function pipelineInputSchemaFor(bounds: RequestBounds = DEFAULT_REQUEST_BOUNDS) {
  let schema = schemasByBounds.get(bounds);
  if (!schema) {
    schema = refinedPipelineInput(bounds);
    schemasByBounds.set(bounds, schema);
  }
  return schema;
}

/** What a caller may send (every field but `symbols` optional). */
export type PipelineInputRequest = z.input<typeof pipelineInputSchema>;

/** The input after validation and defaults: what the stages run on. */
export interface ResolvedPipelineInput {
  book: string;
  symbols: string[];
  asOf: string;
  /** First session of the lookback window. */
  from: string;
  lookbackDays: number;
  provider: ProviderName;
  positions: z.infer<typeof positionSchema>[];
  limits: z.infer<typeof riskLimitsSchema>;
  confidence: number;
  horizonDays: number;
  /** Backtest the historical VaR over this many recent days inside the risk stage (off when absent). */
  varBacktest?: { window: number };
  ingestBatchSize: number;
  monteCarloPaths: number;
  seed: number;
  /** Re-fetch sessions that are already stored (default: only fetch what is missing). */
  refresh: boolean;
  /** The analyst asked for; absent means the worker's configured default. */
  analyst?: AnalystKind;
  /** Trade size the risk gate assesses per BUY/SELL (absent in inputs resolved by older workers). */
  tradeNotional?: number;
  /** Seconds a flagged signal waits for a decision (absent in inputs resolved by older workers). */
  approvalTimeoutSeconds?: number;
  /**
   * How the work stages run, chosen by the worker that validated the input (stage-execution.ts); absent in
   * inputs resolved by the API or by older workers, which means ordinary activities.
   */
  stageExecution?: StageExecutionChoice;
}

export interface InputIssue {
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] };

export function parsePipelineInput(
  raw: unknown,
  bounds: RequestBounds = DEFAULT_REQUEST_BOUNDS,
): ParseResult<z.output<typeof pipelineInputSchema>> {
  const parsed = pipelineInputSchemaFor(bounds).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: toInputIssues(parsed.error) };
}

export function toInputIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

export function describeIssues(issues: InputIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
}
