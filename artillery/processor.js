'use strict';
/**
 * Artillery processor for the Tradeflow load suites (plain CommonJS, Node built-ins only).
 *
 * A trigger-and-poll virtual user: `preparePipeline` picks the pipeline input, the trigger request starts the
 * run (`startClock` before it, `checkTrigger` after it), then the user asks for `GET /workflows/:id/result` while
 * `pipelineRunning` says so: by default as a long poll (`?waitSeconds=`, held by the API until the run closes, the
 * way a real client waits for a run), or with TRADEFLOW_LOAD_RESULT_WAIT_SECONDS=0 as plain polling after a short
 * think time; `checkResult` ends the loop when the run is COMPLETED
 * (histogram `pipeline.e2e_ms`, counter `pipeline.completed`) and fails the user when the run ended any other way or
 * is still running after TRADEFLOW_LOAD_MAX_POLLS polls (counter `pipeline.failed`). `failOnHttpError` (every
 * request) turns any 4xx/5xx into a failed user, so the suites' `maxErrorRate: 0` covers HTTP errors too.
 * `pipeline.in_flight` samples, at each trigger, how many runs this worker has in flight.
 *
 * Settings (environment, all optional; bench/load.ts sets them):
 *   TRADEFLOW_LOAD_SYMBOLS        symbols per pipeline (1-10, default 2)
 *   TRADEFLOW_LOAD_LOOKBACK_DAYS  sessions of history per pipeline (default 60)
 *   TRADEFLOW_LOAD_AS_OF          the pipelines' as-of session (default 2026-09-15)
 *   TRADEFLOW_LOAD_BOOK           the pipelines' book, part of their workflow ids (default "load")
 *   TRADEFLOW_LOAD_RESULT_WAIT_SECONDS  how long each result request waits for the run to close (0-60, default
 *                                       20; 0: plain polling, one request per TRADEFLOW_LOAD_POLL_MS)
 *   TRADEFLOW_LOAD_POLL_MS        think time between two polls of one run when not long-polling (default 200)
 *   TRADEFLOW_LOAD_MAX_POLLS      result requests after which a still-running run fails its user (default 600)
 * The capacity suite's phases (see capacity.yml) come from TRADEFLOW_LOAD_PHASE_SECONDS and
 * TRADEFLOW_LOAD_ARRIVALS_50/_100/_150, which `assignCapacityPhase` reads too.
 */
/* global process, performance */

const UNIVERSE = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'IWM', 'TLT', 'GLD', 'NVDA', 'AMZN', 'META'];

function intSetting(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const settings = {
  symbols: intSetting('TRADEFLOW_LOAD_SYMBOLS', 2, 1, UNIVERSE.length),
  lookbackDays: intSetting('TRADEFLOW_LOAD_LOOKBACK_DAYS', 60, 30, 2520),
  asOf: process.env.TRADEFLOW_LOAD_AS_OF || '2026-09-15',
  book: process.env.TRADEFLOW_LOAD_BOOK || 'load',
  resultWaitSeconds: intSetting('TRADEFLOW_LOAD_RESULT_WAIT_SECONDS', 20, 0, 60),
  pollMs: intSetting('TRADEFLOW_LOAD_POLL_MS', 200, 1, 60000),
  maxPolls: intSetting('TRADEFLOW_LOAD_MAX_POLLS', 600, 1, 10000000),
};

/** An error that fails the virtual user; Artillery counts it as `errors.<code>`. */
function failure(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

let pipelinesPrepared = 0;

/** Chooses the run's input (rotating through the universe) and an idempotency key of its own. */
function preparePipeline(context, _events, done) {
  const index = pipelinesPrepared++;
  context.vars.pipelineParameters = {
    symbols: Array.from({ length: settings.symbols }, (_, i) => UNIVERSE[(index + i) % UNIVERSE.length]),
    asOf: settings.asOf,
    lookbackDays: settings.lookbackDays,
    book: settings.book,
  };
  context.vars.idempotencyKey = `load-${context.vars.$uuid}`;
  context.vars.resultWaitSeconds = settings.resultWaitSeconds;
  // A long poll needs no think time: the API holds the request until the run closes or the wait ends.
  context.vars.pollThink = settings.resultWaitSeconds > 0 ? '0ms' : `${settings.pollMs}ms`;
  context.vars.polls = 0;
  context.vars.pipelineDone = false;
  return done();
}

/**
 * The capacity suite's phase of this user, from its arrival order: Artillery runs `arrivalCount` phases in one
 * worker, one after another, and its uniform arrival process makes exactly floor(duration / floor(interval))
 * arrivals per phase (intervals in microseconds), which this mirrors.
 */
const CAPACITY_PHASES = [
  { name: 'rate-50pct', arrivals: 'TRADEFLOW_LOAD_ARRIVALS_50' },
  { name: 'rate-100pct', arrivals: 'TRADEFLOW_LOAD_ARRIVALS_100' },
  { name: 'rate-150pct', arrivals: 'TRADEFLOW_LOAD_ARRIVALS_150' },
];
let capacityArrivals = 0;
let capacityPlan;

function arrivalsOfPhase(seconds, count) {
  if (count <= 0) return 0;
  const durationMs = seconds * 1000;
  const tickMicros = Math.floor((durationMs / count) * 1000);
  return Math.floor((durationMs * 1000) / tickMicros);
}

function assignCapacityPhase(context, _events, done) {
  if (!capacityPlan) {
    const seconds = intSetting('TRADEFLOW_LOAD_PHASE_SECONDS', 0, 1, 86400);
    let end = 0;
    capacityPlan = CAPACITY_PHASES.map((phase) => {
      end += arrivalsOfPhase(seconds, intSetting(phase.arrivals, 0, 0, 10000000));
      return { name: phase.name, end };
    });
  }
  const index = capacityArrivals++;
  const phase = capacityPlan.find((p) => index < p.end) || capacityPlan[capacityPlan.length - 1];
  context.vars.capacityPhase = phase.name;
  return done();
}

function startClock(_req, context, events, done) {
  context.vars.triggeredAt = performance.now();
  if (context.vars.capacityPhase)
    events.emit('counter', `capacity.${context.vars.capacityPhase}.triggered`, 1);
  return done();
}

/**
 * Pipelines this worker has triggered and not yet seen end. Sampled into the `pipeline.in_flight` histogram at
 * every trigger, so its max is the peak number of runs in flight at once.
 */
let inFlight = 0;

function pipelineEnded(context) {
  if (context.vars.inFlight) {
    context.vars.inFlight = false;
    inFlight -= 1;
  }
}

function pipelineFailed(context, events) {
  pipelineEnded(context);
  events.emit('counter', 'pipeline.failed', 1);
  if (context.vars.capacityPhase) events.emit('counter', `capacity.${context.vars.capacityPhase}.failed`, 1);
}

/** Every response: a 4xx/5xx fails the user (Artillery itself only counts the status code). */
function failOnHttpError(req, res, context, events, done) {
  if (res.statusCode >= 400) {
    events.emit('counter', `tradeflow.http_errors.${res.statusCode}`, 1);
    if (context.vars.inFlight) pipelineFailed(context, events);
    return done(failure(`http_${res.statusCode}`, `${req.method} ${req.url} answered ${res.statusCode}`));
  }
  return done();
}

function checkTrigger(_req, res, context, events, done) {
  if (res.statusCode !== 202 || typeof context.vars.workflowId !== 'string') {
    pipelineFailed(context, events);
    return done(failure('trigger_failed', `trigger answered ${res.statusCode} without a workflowId`));
  }
  events.emit('counter', 'pipeline.triggered', 1);
  // The trigger's own latency per capacity phase: the load target is about the API under 150 % load.
  if (context.vars.capacityPhase)
    events.emit(
      'histogram',
      `capacity.${context.vars.capacityPhase}.trigger_ms`,
      performance.now() - context.vars.triggeredAt,
    );
  inFlight += 1;
  context.vars.inFlight = true;
  events.emit('histogram', 'pipeline.in_flight', inFlight);
  return done();
}

function parseJson(body) {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** After each poll of `/result`: 202 = still running, 200 = finished (COMPLETED or not). */
function checkResult(_req, res, context, events, done) {
  context.vars.polls += 1;
  if (res.statusCode === 200) {
    const body = parseJson(res.body);
    const status = body && body.status;
    if (status === 'COMPLETED') {
      const elapsed = performance.now() - context.vars.triggeredAt;
      context.vars.pipelineDone = true;
      pipelineEnded(context);
      events.emit('histogram', 'pipeline.e2e_ms', elapsed);
      events.emit('histogram', 'pipeline.polls', context.vars.polls);
      events.emit('counter', 'pipeline.completed', 1);
      if (context.vars.capacityPhase) {
        events.emit('histogram', `capacity.${context.vars.capacityPhase}.e2e_ms`, elapsed);
        events.emit('counter', `capacity.${context.vars.capacityPhase}.completed`, 1);
      }
      return done();
    }
    pipelineFailed(context, events);
    return done(
      failure(`pipeline_${String(status).toLowerCase()}`, `run ${context.vars.workflowId} ended ${status}`),
    );
  }
  if (res.statusCode !== 202) {
    pipelineFailed(context, events);
    return done(failure(`result_http_${res.statusCode}`, `result answered ${res.statusCode}`));
  }
  if (context.vars.polls >= settings.maxPolls) {
    pipelineFailed(context, events);
    events.emit('counter', 'pipeline.poll_limit', 1);
    return done(
      failure(
        'pipeline_poll_limit',
        `run ${context.vars.workflowId} still running after ${context.vars.polls} polls`,
      ),
    );
  }
  return done();
}

/** `whileTrue` of the poll loop: go on until checkResult saw the run complete (a failure ends the user anyway). */
function pipelineRunning(context, next) {
  return next(!context.vars.pipelineDone);
}

/** The read-heavy suite's `before` hook: the workflow ids of the listed runs, for the status/result reads. */
function collectKnownIds(_req, res, context, _events, done) {
  const body = parseJson(res.body);
  const ids = body && Array.isArray(body.runs) ? body.runs.map((run) => run.workflowId).filter(Boolean) : [];
  if (ids.length === 0) {
    return done(
      failure('no_known_runs', 'GET /workflows listed no runs to read; start some pipelines first'),
    );
  }
  context.vars.knownIds = ids;
  return done();
}

function pickKnownId(context, _events, done) {
  const ids = context.vars.knownIds || [];
  if (ids.length === 0)
    return done(failure('no_known_runs', 'no known workflow ids (the before hook found none)'));
  context.vars.knownId = ids[Math.floor(Math.random() * ids.length)];
  return done();
}

module.exports = {
  preparePipeline,
  assignCapacityPhase,
  startClock,
  failOnHttpError,
  checkTrigger,
  checkResult,
  pipelineRunning,
  collectKnownIds,
  pickKnownId,
};
