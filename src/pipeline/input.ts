/**
 * The pipeline's input contract: a zod schema shared by the API (400 naming the field) and the workflow's
 * validation activity (non-retryable failure naming the field), so an HTTP start and a `temporal workflow start`
 * are judged by the same rules and get the same defaults.
 */
import { z } from 'zod';
import { PROVIDER_NAMES, type ProviderName } from '../market-data/bar';
import { DEFAULT_APPROVAL_TIMEOUT_SECONDS, DEFAULT_TRADE_NOTIONAL } from '../workflows/approvals';
import type { StageExecutionChoice } from './stage-execution';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in YYYY-MM-DD form')
  .refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    {
      message: 'must be a real calendar date',
    },
  );

export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.\-^=]{0,14}$/;
const symbol = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .pipe(z.string().regex(SYMBOL_PATTERN, 'must be a ticker symbol such as AAPL or BRK.B (1-15 characters)'));

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

export const pipelineInputSchema = z
  .object({
    book: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, "_" or "-"')
      .default('default'),
    symbols: z
      .array(symbol)
      .min(1, 'must list at least one symbol')
      .max(
        100,
        'must list at most 100 symbols (the result, with its correlation matrix, must fit in a Temporal payload)',
      )
      .refine((list) => new Set(list).size === list.length, 'must not repeat a symbol'),
    asOf: isoDate.optional(),
    /** Alias of asOf, for callers who think in windows: `from`..`to`. */
    to: isoDate.optional(),
    /** An explicit first session of the window (inclusive), instead of lookbackDays. */
    from: isoDate.optional(),
    lookbackDays: z.number().int().min(30).max(2520).optional(),
    provider: z.enum(PROVIDER_NAMES).optional(),
    positions: z.array(positionSchema).max(200).optional(),
    limits: riskLimitsSchema.optional(),
    confidence: z.number().gt(0.5).lt(1).default(0.99),
    horizonDays: z.number().int().min(1).max(250).default(1),
    varBacktest: z
      .union(
        [z.literal(false), z.object({ window: z.number().int().min(20).max(1000).default(250) }).strict()],
        {
          message: 'must be false or { "window": 20-1000 }',
        },
      )
      .default({ window: 250 }),
    ingestBatchSize: z.number().int().min(1).max(50).default(5),
    monteCarloPaths: z.number().int().min(1000).max(200_000).default(10_000),
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

export function parsePipelineInput(raw: unknown): ParseResult<z.output<typeof pipelineInputSchema>> {
  const parsed = pipelineInputSchema.safeParse(raw);
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
