/**
 * The one place that reads the environment. Every variable is parsed (numbers as numbers, booleans as real
 * booleans) and validated once; a bad value fails fast with the variable's name. `.env.example` lists them all.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { PROVIDER_NAMES, type ProviderName } from './market-data/bar';
import { parseProviderFallbacks } from './market-data/registry';
import { boundsProblems, DEFAULT_REQUEST_BOUNDS as BOUNDS, type RequestBounds } from './pipeline/bounds';
import { ANALYST_KINDS, type AnalystKind } from './pipeline/input';
import { LOCAL_STAGE_MODES, type LocalStageMode } from './pipeline/stage-execution';
import { LLM_PROVIDERS, type LlmSettings } from './signals/chat-models';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const envVariables = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),

  // Loopback unless configured: a dev stack is not reachable from the network (the image and chart set 0.0.0.0).
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),

  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('tradeflow-pipeline'),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),

  TEMPORAL_DEV_IP: z.string().min(1).default('127.0.0.1'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_DEV_UI_PORT: port.default(8233),
  TEMPORAL_DEV_DB_PATH: z.string().min(1).default('data/temporal-dev.db'),
  TEMPORAL_CLI_PATH: z.string().optional(),

  TRADEFLOW_DB_PATH: z.string().min(1).default('data/tradeflow.db'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  TRADEFLOW_DEFAULT_PROVIDER: z.enum(PROVIDER_NAMES).default('synthetic'),
  TRADEFLOW_CSV_DIR: z.string().optional(),
  TRADEFLOW_SYNTHETIC_SEED: z.coerce.number().int().default(42),
  TRADEFLOW_SYNTHETIC_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  TRADEFLOW_YAHOO_REPLAY_DIR: z.string().optional(),
  TRADEFLOW_YAHOO_RECORD_DIR: z.string().optional(),
  TRADEFLOW_YAHOO_MAX_RPS: z.coerce.number().positive().optional(),
  TRADEFLOW_YAHOO_BURST: positiveInt.default(1),
  TRADEFLOW_PROVIDER_FALLBACKS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseProviderFallbacks(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  TRADEFLOW_FALLBACK_ON_UNKNOWN_SYMBOL: booleanFlag.default(true),

  TRADEFLOW_ANALYST: z.enum(ANALYST_KINDS).default('deterministic'),
  LLM_PROVIDER: z.enum(LLM_PROVIDERS).default('openai'),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_BASE_URL: z.url().optional(),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
  LLM_TIMEOUT_MS: positiveInt.default(30_000),
  LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),

  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(50),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt.default(10),
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt.default(500),
  WORKER_SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  WORKER_MAX_HEARTBEAT_THROTTLE_MS: positiveInt.default(1_000),
  WORKER_BUNDLE_PATH: z.string().optional(),
  WORKER_NON_STICKY_POLL_RATIO: z.coerce.number().min(0.05).max(1).default(1),
  WORKER_LOCAL_STAGES: z.enum(LOCAL_STAGE_MODES).default('auto'),
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(0),

  SCHEDULE_CRON: z.string().min(1).default('30 17 * * MON-FRI'),
  SCHEDULE_TIMEZONE: z.string().min(1).default('America/New_York'),

  API_JSON_LIMIT: z.string().default('100kb'),
  API_TEMPORAL_TIMEOUT_MS: positiveInt.default(10_000),
  API_TRUST_PROXY: z.string().default('false').transform(parseTrustProxy),
  API_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.url({ message: 'must be a comma-separated list of origins such as https://ops.example.com' }),
      ),
    ),
  API_RATE_LIMIT_PER_KEY: positiveInt.default(600),
  API_RATE_LIMIT_PER_IP: positiveInt.default(1200),
  API_AUTH_FAILURES_PER_IP: positiveInt.default(60),
  API_AUTH_FAILURE_AUDIT_WINDOW_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  AUDIT_LOG_FILE: z.string().min(1).default('data/audit.log'),
  AUDIT_LOG_CONSOLE: booleanFlag.default(false),
  AUDIT_RETENTION_DAYS: positiveInt.default(365),
  AUDIT_ARCHIVE_DIR: z.string().min(1).default('data/audit-archive'),
  /** Development audit HMAC key, created when AUDIT_HMAC_KEY is not set; default next to AUDIT_LOG_FILE; `none`: refuse. */
  AUDIT_HMAC_KEY_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_EVERY: positiveInt.default(100),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(604_800).default(3600),
  TEMPORAL_TLS: booleanFlag.optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKER_HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  API_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  API_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  API_LIST_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  API_STATUS_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  // Per principal (API key or token subject): pipeline runs it started that are still running; 0: no cap.
  API_MAX_RUNS_IN_FLIGHT_PER_PRINCIPAL: z.coerce.number().int().min(0).max(1_000_000).default(100),
  // Four-eyes on approvals: whoever started a run may not approve or reject its signals. Default: on in production.
  APPROVALS_REQUIRE_DIFFERENT_PRINCIPAL: booleanFlag.optional(),

  // Request bounds (src/pipeline/bounds.ts), read by the API's schemas and the worker's validation alike.
  TRADEFLOW_MIN_YEAR: z.coerce.number().int().min(1900).max(2200).default(BOUNDS.minYear),
  TRADEFLOW_MAX_YEAR: z.coerce.number().int().min(1900).max(2200).default(BOUNDS.maxYear),
  TRADEFLOW_MAX_SYMBOLS: positiveInt.default(BOUNDS.maxSymbols),
  TRADEFLOW_MAX_LOOKBACK_SESSIONS: positiveInt.default(BOUNDS.maxLookbackSessions),
  TRADEFLOW_MAX_MONTE_CARLO_PATHS: z.coerce.number().int().min(1000).default(BOUNDS.maxMonteCarloPaths),
  TRADEFLOW_MAX_HORIZON_DAYS: positiveInt.default(BOUNDS.maxHorizonDays),
  TRADEFLOW_MAX_BACKTEST_SYMBOLS: positiveInt.default(BOUNDS.maxBacktestSymbols),
  TRADEFLOW_MAX_BACKTEST_SESSIONS: z.coerce.number().int().min(20).default(BOUNDS.maxBacktestSessions),
  TRADEFLOW_MAX_INGEST_SYMBOLS: positiveInt.default(BOUNDS.maxIngestSymbols),
  TRADEFLOW_MAX_INGEST_DAYS: positiveInt.default(BOUNDS.maxIngestDays),
});

const envSchema = envVariables.superRefine((env, ctx) => {
  if ((env.TEMPORAL_TLS_CERT_PATH === undefined) !== (env.TEMPORAL_TLS_KEY_PATH === undefined)) {
    const missing =
      env.TEMPORAL_TLS_CERT_PATH === undefined ? 'TEMPORAL_TLS_CERT_PATH' : 'TEMPORAL_TLS_KEY_PATH';
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: 'mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH',
    });
  }
  if (env.TEMPORAL_TLS === false && env.TEMPORAL_TLS_CERT_PATH !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['TEMPORAL_TLS'],
      message: 'is false but TEMPORAL_TLS_CERT_PATH is set: a client certificate needs TLS',
    });
  }
});

export type Env = z.infer<typeof envSchema>;

/** Every variable `loadConfig` reads (tools that start the stack use it to keep a developer's .env out). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envVariables.shape);

export interface TradeflowConfig {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  api: {
    host: string;
    port: number;
    jsonLimit: string;
    /**
     * Express `trust proxy`: false (use the socket address), a hop count, or the proxies' addresses/subnets.
     * Never plain true, which believes every X-Forwarded-For entry a client sends.
     */
    trustProxy: TrustProxy;
    temporalTimeoutMs: number;
    /** Browser origins allowed by CORS (none: same-origin only). */
    corsOrigins: string[];
    /** Requests per minute per API key / token subject, and per client IP. */
    rateLimitPerKey: number;
    rateLimitPerIp: number;
    /** Failed authentications per minute per client IP before it gets 429 (valid credentials are not counted). */
    authFailuresPerIp: number;
    /** Per client IP, the first auth failure in this window is an audit row; the rest make one summary row. */
    authFailureAuditWindowMs: number;
    /** Port of GET /metrics (Prometheus); undefined: not served. */
    metricsPort?: number;
    metricsHost: string;
    /** How long identical GET /workflows lists share one visibility query; 0: no caching. */
    listCacheMs: number;
    /** How long identical GET /workflows/:id/status reads share one describe + progress query; 0: none. */
    statusCacheMs: number;
    /** Pipeline runs one principal may have running at once (POST /workflows/trigger answers 429 beyond); 0: no cap. */
    maxRunsInFlightPerPrincipal: number;
    /** Four-eyes: the principal that started a run may not approve or reject its flagged signals. */
    approvalsRequireDifferentPrincipal: boolean;
  };
  /**
   * Bearer tokens. They are accepted only with both `issuer` and `audience` set (loadConfig refuses JWT_JWKS_URL or
   * API_SIGNING_SECRET without them), and live at most `maxLifetimeSeconds` (exp - iat, and exp - now).
   */
  jwt: { jwksUrl?: string; issuer?: string; audience?: string; maxLifetimeSeconds: number };
  /** The audit log's JSON-lines file, whether it also goes to stdout, and retention. */
  audit: {
    logFile: string;
    console: boolean;
    retentionDays: number;
    archiveDir: string;
    /** Where the development HMAC key is kept when AUDIT_HMAC_KEY is not set; undefined: the secret is required. */
    hmacKeyFile?: string;
    /** A signed checkpoint (chain head, count) goes to the log file after this many records per process. */
    checkpointEvery: number;
  };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiUrl: string;
    /** TLS to the frontend: mTLS with a client pair (self-hosted, Temporal Cloud) or server-only (API keys). */
    tls: TemporalTlsSettings;
  };
  devServer: { ip: string; port: number; uiPort: number; dbPath: string; cliPath?: string };
  /** `databaseUrl` (PostgreSQL) wins over the SQLite `dbPath` when set. */
  store: { dbPath: string; databaseUrl?: string };
  marketData: {
    defaultProvider: Env['TRADEFLOW_DEFAULT_PROVIDER'];
    csvDirectory?: string;
    synthetic: { seed: number; latencyMs: number };
    yahoo: { replayDir?: string; recordDir?: string; requestsPerSecond?: number; burst: number };
    /** Provider → providers to try next on transient faults (and unknown symbols, if enabled). */
    fallbacks: Partial<Record<ProviderName, ProviderName[]>>;
    fallBackOnUnknownSymbol: boolean;
  };
  signals: {
    /** The analyst pipelines use unless their input names one. */
    defaultAnalyst: AnalystKind;
    llm: LlmSettings;
  };
  worker: {
    maxConcurrentActivities: number;
    maxConcurrentWorkflowTasks: number;
    maxCachedWorkflows: number;
    shutdownGraceMs: number;
    /**
     * Longest the SDK holds back an activity's heartbeat (it sends at most every min(0.8 × heartbeatTimeout, this)).
     * A cancel request reaches an activity only on a sent heartbeat, so this bounds how late a cancel is seen.
     */
    maxHeartbeatThrottleMs: number;
    bundlePath?: string;
    /** Share of workflow-task pollers on the normal queue rather than the sticky one (SDK default 0.2). */
    nonStickyPollRatio: number;
    /** Whether small local runs execute their stages as local activities (src/pipeline/stage-execution.ts). */
    localStages: LocalStageMode;
    /**
     * CPU niceness the worker process gives itself (0-19, higher = lower priority). On a host shared with the API,
     * a niced worker lets the API answer first under overload; its backlog waits durably in Temporal.
     */
    nice: number;
    /** Port of the worker's health endpoints (/health/live, /health/ready); undefined: not served. */
    healthPort?: number;
    /** Interface of the health endpoints and of the SDK's Prometheus exporter. */
    healthHost: string;
    /** Port of the Temporal SDK's Prometheus metrics (schedule-to-start, slots, sticky cache); undefined: off. */
    metricsPort?: number;
  };
  schedule: { cron: string; timezone: string };
  /** The largest request the API accepts and the worker runs (TRADEFLOW_MAX_*; docs/performance.md). */
  requestBounds: RequestBounds;
}

/** TEMPORAL_TLS_*. `enabled` undefined: TLS is on as soon as a client certificate or an API key is configured. */
export interface TemporalTlsSettings {
  enabled?: boolean;
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  serverName?: string;
}

/** API_TRUST_PROXY parsed: see `TradeflowConfig.api.trustProxy`. */
export type TrustProxy = false | number | string[];

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrSubnet(entry: string): boolean {
  if (TRUST_PROXY_NAMES.includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** "false" / "0", a hop count ("1": one ingress in front), or a comma-separated list of proxy addresses/subnets. */
function parseTrustProxy(text: string, ctx: z.RefinementCtx): TrustProxy {
  const value = text.trim().toLowerCase();
  if (value === 'false' || value === 'no' || value === '0') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isAddressOrSubnet(entry));
  if (value === 'true' || value === 'yes' || entries.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        (value === 'true' || value === 'yes'
          ? 'true is refused: it trusts every X-Forwarded-For entry, so any client can forge its address. '
          : `${bad.length > 0 ? `"${bad.join('", "')}" is` : 'nothing is'} not a hop count, address or subnet. `) +
        'Use the number of proxies in front of the API (1 behind one ingress) or their addresses/subnets ' +
        '(10.0.0.0/8,loopback), or false',
    });
    return z.NEVER;
  }
  return entries;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment (default: process.env). Throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TradeflowConfig {
  const parsed = envSchema.safeParse(withoutEmptyValues(source));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  // Bearer tokens from a foreign issuer or for another audience must not pass: both checks are required whenever
  // tokens are accepted. (A signing secret kept in Vault is checked by the verifier, which then refuses every token.)
  const jwtSource = env.JWT_JWKS_URL
    ? 'JWT_JWKS_URL'
    : source.API_SIGNING_SECRET
      ? 'API_SIGNING_SECRET'
      : undefined;
  const missingJwt = [
    ...(env.JWT_ISSUER ? [] : ['JWT_ISSUER']),
    ...(env.JWT_AUDIENCE ? [] : ['JWT_AUDIENCE']),
  ];
  if (jwtSource && missingJwt.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${missingJwt.map((name) => `${name}: is required when bearer tokens are accepted (${jwtSource} is set)`).join('\n  ')}`,
    );
  }
  const requestBounds: RequestBounds = Object.freeze({
    minYear: env.TRADEFLOW_MIN_YEAR,
    maxYear: env.TRADEFLOW_MAX_YEAR,
    maxSymbols: env.TRADEFLOW_MAX_SYMBOLS,
    maxLookbackSessions: env.TRADEFLOW_MAX_LOOKBACK_SESSIONS,
    maxMonteCarloPaths: env.TRADEFLOW_MAX_MONTE_CARLO_PATHS,
    maxHorizonDays: env.TRADEFLOW_MAX_HORIZON_DAYS,
    maxBacktestSymbols: env.TRADEFLOW_MAX_BACKTEST_SYMBOLS,
    maxBacktestSessions: env.TRADEFLOW_MAX_BACKTEST_SESSIONS,
    maxIngestSymbols: env.TRADEFLOW_MAX_INGEST_SYMBOLS,
    maxIngestDays: env.TRADEFLOW_MAX_INGEST_DAYS,
  });
  const boundsIssues = boundsProblems(requestBounds);
  if (boundsIssues.length > 0)
    throw new ConfigError(`Invalid configuration:\n  ${boundsIssues.join('\n  ')}`);
  const fromCwd = (p: string) => path.resolve(cwd, p);
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      jsonLimit: env.API_JSON_LIMIT,
      trustProxy: env.API_TRUST_PROXY,
      temporalTimeoutMs: env.API_TEMPORAL_TIMEOUT_MS,
      corsOrigins: env.API_CORS_ORIGINS,
      rateLimitPerKey: env.API_RATE_LIMIT_PER_KEY,
      rateLimitPerIp: env.API_RATE_LIMIT_PER_IP,
      authFailuresPerIp: env.API_AUTH_FAILURES_PER_IP,
      authFailureAuditWindowMs: env.API_AUTH_FAILURE_AUDIT_WINDOW_MS,
      metricsPort: env.API_METRICS_PORT,
      metricsHost: env.API_METRICS_HOST,
      listCacheMs: env.API_LIST_CACHE_MS,
      statusCacheMs: env.API_STATUS_CACHE_MS,
      maxRunsInFlightPerPrincipal: env.API_MAX_RUNS_IN_FLIGHT_PER_PRINCIPAL,
      approvalsRequireDifferentPrincipal:
        env.APPROVALS_REQUIRE_DIFFERENT_PRINCIPAL ?? env.NODE_ENV === 'production',
    },
    jwt: {
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      maxLifetimeSeconds: env.JWT_MAX_LIFETIME_SECONDS,
    },
    audit: {
      logFile: fromCwd(env.AUDIT_LOG_FILE),
      console: env.AUDIT_LOG_CONSOLE,
      retentionDays: env.AUDIT_RETENTION_DAYS,
      archiveDir: fromCwd(env.AUDIT_ARCHIVE_DIR),
      hmacKeyFile:
        env.AUDIT_HMAC_KEY_FILE === 'none'
          ? undefined
          : fromCwd(env.AUDIT_HMAC_KEY_FILE ?? path.join(path.dirname(env.AUDIT_LOG_FILE), 'audit-hmac-key')),
      checkpointEvery: env.AUDIT_CHECKPOINT_EVERY,
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiUrl: env.TEMPORAL_UI_URL,
      tls: {
        enabled: env.TEMPORAL_TLS,
        certPath: env.TEMPORAL_TLS_CERT_PATH && fromCwd(env.TEMPORAL_TLS_CERT_PATH),
        keyPath: env.TEMPORAL_TLS_KEY_PATH && fromCwd(env.TEMPORAL_TLS_KEY_PATH),
        caPath: env.TEMPORAL_TLS_CA_PATH && fromCwd(env.TEMPORAL_TLS_CA_PATH),
        serverName: env.TEMPORAL_TLS_SERVER_NAME,
      },
    },
    devServer: {
      ip: env.TEMPORAL_DEV_IP,
      port: env.TEMPORAL_DEV_PORT,
      uiPort: env.TEMPORAL_DEV_UI_PORT,
      dbPath: fromCwd(env.TEMPORAL_DEV_DB_PATH),
      cliPath: env.TEMPORAL_CLI_PATH,
    },
    store: {
      dbPath: env.TRADEFLOW_DB_PATH === ':memory:' ? ':memory:' : fromCwd(env.TRADEFLOW_DB_PATH),
      databaseUrl: env.DATABASE_URL,
    },
    marketData: {
      defaultProvider: env.TRADEFLOW_DEFAULT_PROVIDER,
      csvDirectory: env.TRADEFLOW_CSV_DIR ? fromCwd(env.TRADEFLOW_CSV_DIR) : undefined,
      synthetic: { seed: env.TRADEFLOW_SYNTHETIC_SEED, latencyMs: env.TRADEFLOW_SYNTHETIC_LATENCY_MS },
      yahoo: {
        replayDir: env.TRADEFLOW_YAHOO_REPLAY_DIR ? fromCwd(env.TRADEFLOW_YAHOO_REPLAY_DIR) : undefined,
        recordDir: env.TRADEFLOW_YAHOO_RECORD_DIR ? fromCwd(env.TRADEFLOW_YAHOO_RECORD_DIR) : undefined,
        requestsPerSecond: env.TRADEFLOW_YAHOO_MAX_RPS,
        burst: env.TRADEFLOW_YAHOO_BURST,
      },
      fallbacks: env.TRADEFLOW_PROVIDER_FALLBACKS,
      fallBackOnUnknownSymbol: env.TRADEFLOW_FALLBACK_ON_UNKNOWN_SYMBOL,
    },
    signals: {
      defaultAnalyst: env.TRADEFLOW_ANALYST,
      llm: {
        provider: env.LLM_PROVIDER,
        model: env.LLM_MODEL,
        baseUrl: env.LLM_BASE_URL,
        temperature: env.LLM_TEMPERATURE,
        timeoutMs: env.LLM_TIMEOUT_MS,
        maxAttempts: env.LLM_MAX_ATTEMPTS,
      },
    },
    worker: {
      maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
      maxHeartbeatThrottleMs: env.WORKER_MAX_HEARTBEAT_THROTTLE_MS,
      bundlePath: env.WORKER_BUNDLE_PATH ? fromCwd(env.WORKER_BUNDLE_PATH) : undefined,
      nonStickyPollRatio: env.WORKER_NON_STICKY_POLL_RATIO,
      localStages: env.WORKER_LOCAL_STAGES,
      nice: env.WORKER_NICE,
      healthPort: env.WORKER_HEALTH_PORT,
      healthHost: env.WORKER_HEALTH_HOST,
      metricsPort: env.WORKER_METRICS_PORT,
    },
    schedule: { cron: env.SCHEDULE_CRON, timezone: env.SCHEDULE_TIMEZONE },
    requestBounds,
  };
}

/** `FOO=` in a .env file means "not set", so defaults apply. */
function withoutEmptyValues(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}
