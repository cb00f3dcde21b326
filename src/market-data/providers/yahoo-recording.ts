/**
 * Record and replay for the yahoo provider, as `fetch` wrappers it takes through its `fetch` option.
 *
 * A recording is one JSON file per HTTP call in the format of yahoo-finance2's own test fixtures (the files its
 * dev dependency fetch-mock-cache writes), so either side can read the other's:
 *
 *   { "request": { "url": "...", "method": "GET" },
 *     "response": { "ok": true, "status": 200, "statusText": "OK", "headers": {...}, "bodyJson": {...} } }
 *
 * (a body that is not JSON is kept as `bodyText`, bytes as `bodyBase64`, no body as `"body": null`).
 *
 * Replay does not look files up by name: it matches the recorded URL's endpoint and symbol, and among those the
 * recording whose period (the chart API's period1..period2) covers the requested one, so one recording of a year
 * serves every request inside that year. The provider filters the served bars down to the requested sessions.
 */
import { createHash, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MalformedMarketDataError } from '../bar';

export type RecordedBody =
  { bodyJson: unknown } | { bodyText: string } | { bodyBase64: string } | { body: null };

export interface RecordedCall {
  request: { url: string; method?: string };
  response: {
    /** fetch-mock-cache always writes `ok` and `statusText`; hand-made recordings may leave them out. */
    ok?: boolean;
    status: number;
    statusText?: string;
    headers: Record<string, string | string[]>;
  } & RecordedBody;
}

/**
 * Replay has no recording for a request. It keeps the name MalformedMarketDataError on purpose: the activity layer
 * and the workflows decide retryability by error name, and retrying cannot make a recording appear.
 */
export class MissingRecordingError extends MalformedMarketDataError {
  constructor(
    readonly endpoint: string,
    readonly symbol: string | undefined,
    readonly period: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A fetch that answers from the recordings in `directory` and never touches the network. Throws at once when the
 * directory does not exist, so a mistyped setting fails at startup rather than on the first request.
 */
export function createReplayFetch(directory: string): typeof fetch {
  if (!isDirectory(directory)) {
    throw new Error(`Yahoo replay directory ${directory} does not exist or is not a directory`);
  }
  // Indexed once, on first use: replay directories are read-only inputs for the life of the process.
  let index: Promise<IndexedRecording[]> | undefined;

  return async (input, init) => {
    const requestUrl = urlOf(input);
    index ??= indexRecordings(directory);
    const recordings = await index.catch((error: unknown) => {
      index = undefined; // let a later call try again after the directory was fixed
      throw error;
    });
    const wanted = describeRequest(requestUrl);
    const match = chooseRecording(recordings, wanted);
    if (!match) throw missingRecording(directory, wanted, recordings);
    const call = await readRecording(match.file);
    // The request's own abort signal still counts, as it would on the network.
    init?.signal?.throwIfAborted();
    return responseFrom(call);
  };
}

/**
 * A fetch that calls `innerFetch` (default: the global fetch at call time) and saves each answer to `directory`
 * before handing it on, named like `chart-AAPL-<period1>-<period2>.json`. Answers the provider treats as transient
 * (HTTP 401, 403, 408, 425, 429, 5xx: see ./yahoo-errors) are not saved: a replay should reproduce the data, not an
 * outage that a retry got past.
 */
export function createRecordingFetch(directory: string, innerFetch?: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await (innerFetch ?? globalThis.fetch)(input, init);
    if (isTransientStatus(response.status)) return response;

    const url = redactUrl(urlOf(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const call: RecordedCall = {
      request: { url: url.href, method },
      response: {
        ok: response.ok,
        status: response.status,
        statusText: response.statusText,
        headers: recordableHeaders(response.headers),
        ...(await serializeBody(response.clone())),
      },
    };
    await saveRecording(path.join(directory, recordingFileName(url)), call);
    return response;
  };
}

/** What replay matches on, parsed from a URL. */
interface RequestKey {
  /** The path without its symbol segment, e.g. /v8/finance/chart. */
  endpoint: string;
  /** Upper-cased, from the path (the chart API puts it there); undefined for endpoints without one. */
  symbol: string | undefined;
  /** The bar interval: a 1wk recording must not answer a 1d request. */
  interval: string | undefined;
  /** Seconds since the epoch, from period1/period2; undefined when the URL has no period. */
  period: { start: number; end: number } | undefined;
}

interface IndexedRecording {
  file: string;
  key: RequestKey;
}

/** Endpoints that take the symbol as the last path segment: /v8/finance/chart/AAPL, /v10/finance/quoteSummary/AAPL. */
const SYMBOL_IN_PATH = /^(\/v\d+\/finance\/[A-Za-z]+)\/([^/]+)$/;

/**
 * Other query parameters (events, includePrePost, lang, ...) are ignored on purpose: they are the library's
 * defaults, and matching them would break every replay on a yahoo-finance2 upgrade that adds one.
 */
function describeRequest(url: URL): RequestKey {
  const pathname = url.pathname.replace(/\/+$/, '');
  const inPath = SYMBOL_IN_PATH.exec(pathname);
  const period1 = url.searchParams.get('period1');
  const period2 = url.searchParams.get('period2');
  return {
    endpoint: inPath ? inPath[1] : pathname,
    symbol: inPath ? decodeURIComponent(inPath[2]).toUpperCase() : undefined,
    interval: url.searchParams.get('interval') ?? undefined,
    period:
      period1 !== null && period2 !== null ? { start: Number(period1), end: Number(period2) } : undefined,
  };
}

function sameCall(a: RequestKey, b: RequestKey): boolean {
  return a.endpoint === b.endpoint && a.symbol === b.symbol && a.interval === b.interval;
}

/** The narrowest recording that covers the requested period (ties: the first file by name, so runs agree). */
function chooseRecording(recordings: IndexedRecording[], wanted: RequestKey): IndexedRecording | undefined {
  const candidates = recordings.filter(({ key }) => {
    if (!sameCall(key, wanted)) return false;
    if (!wanted.period || !key.period) return !wanted.period && !key.period;
    return key.period.start <= wanted.period.start && key.period.end >= wanted.period.end;
  });
  const span = ({ key }: IndexedRecording) => (key.period ? key.period.end - key.period.start : 0);
  return candidates.sort((a, b) => span(a) - span(b) || a.file.localeCompare(b.file))[0];
}

function missingRecording(
  directory: string,
  wanted: RequestKey,
  recordings: IndexedRecording[],
): MissingRecordingError {
  const period = wanted.period ? describePeriod(wanted.period) : 'no period';
  const recorded = recordings
    .filter(({ key }) => sameCall(key, wanted) && key.period)
    .map(({ key }) => describePeriod(key.period!));
  const subject = `${wanted.endpoint}${wanted.symbol ? ` for ${wanted.symbol}` : ''}`;
  const known =
    recorded.length > 0 ? `recorded periods there: ${recorded.join(', ')}` : 'none recorded there';
  return new MissingRecordingError(
    wanted.endpoint,
    wanted.symbol,
    period,
    `No recorded Yahoo response for ${subject} over ${period} in ${directory} (${known})`,
  );
}

/** Calendar dates for people, raw seconds for matching up with the file names. */
function describePeriod({ start, end }: { start: number; end: number }): string {
  const day = (seconds: number) =>
    Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().slice(0, 10) : String(seconds);
  return `${day(start)}..${day(end)} (period1=${start}, period2=${end})`;
}

async function indexRecordings(directory: string): Promise<IndexedRecording[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(directory, name);
      const call = await readRecording(file);
      return { file, key: describeRequest(new URL(call.request.url)) };
    }),
  );
}

async function readRecording(file: string): Promise<RecordedCall> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new MalformedMarketDataError(`Yahoo recording ${file} is not readable JSON`, { cause: error });
  }
  if (!isRecordedCall(parsed)) {
    throw new MalformedMarketDataError(
      `Yahoo recording ${file} is not a {request: {url}, response: {status, headers, body...}} call`,
    );
  }
  return parsed;
}

function isRecordedCall(value: unknown): value is RecordedCall {
  const call = value as Partial<RecordedCall> | null;
  return (
    typeof call?.request?.url === 'string' &&
    URL.canParse(call.request.url) &&
    typeof call.response?.status === 'number' &&
    typeof call.response.headers === 'object' &&
    ['bodyJson', 'bodyText', 'bodyBase64', 'body'].some((field) => field in call.response!)
  );
}

function responseFrom({ response }: RecordedCall): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    // Replayed cookies would only feed yahoo-finance2's cookie jar stale (or redacted) credentials.
    if (name.toLowerCase() === 'set-cookie') continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return new Response(deserializeBody(response), {
    status: response.status,
    statusText: response.statusText ?? '',
    headers,
  });
}

function deserializeBody(body: RecordedBody): ConstructorParameters<typeof Response>[0] {
  if ('bodyJson' in body) return JSON.stringify(body.bodyJson);
  if ('bodyText' in body) return body.bodyText;
  if ('bodyBase64' in body) return Buffer.from(body.bodyBase64, 'base64');
  return null;
}

/** fetch-mock-cache's rules, in short: JSON as an object, valid UTF-8 as text, anything else as Base64. */
async function serializeBody(response: Response): Promise<RecordedBody> {
  if (response.body === null) return { body: null };
  const bytes = Buffer.from(await response.arrayBuffer());
  const contentType = response.headers.get('content-type')?.split(';')[0].trim();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { bodyBase64: bytes.toString('base64') };
  }
  if (contentType === 'application/json') {
    try {
      return { bodyJson: JSON.parse(text) as unknown };
    } catch {
      // A broken JSON body is worth keeping verbatim: replaying it reproduces the parse failure.
    }
  }
  return { bodyText: text };
}

/**
 * Drops headers that are credentials (cookies) or that describe the bytes on the wire rather than the body as
 * stored (a re-serialized JSON body has another length and no gzip).
 */
const UNRECORDED_HEADERS = new Set([
  'set-cookie',
  'cookie',
  'authorization',
  'content-length',
  'content-encoding',
  'transfer-encoding',
]);

function recordableHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers.entries()].filter(([name]) => !UNRECORDED_HEADERS.has(name)));
}

/** Yahoo's crumb is a session credential that some endpoints take as a query parameter. */
function redactUrl(url: URL): URL {
  const redacted = new URL(url.href);
  if (redacted.searchParams.has('crumb')) redacted.searchParams.set('crumb', 'REDACTED');
  return redacted;
}

/**
 * `chart-AAPL-1735689600-1767312000.json` for chart calls (an interval other than 1d goes before the period);
 * other calls get their path and a hash of the URL. Replay never relies on the name, only on the content.
 */
export function recordingFileName(url: URL): string {
  const key = describeRequest(url);
  const safe = (part: string) => part.replace(/[^A-Za-z0-9.^=_-]/g, '_');
  if (key.symbol && key.period) {
    const name = key.endpoint.split('/').pop() ?? 'call';
    const interval = key.interval && key.interval !== '1d' ? [key.interval] : [];
    return (
      [name, key.symbol, ...interval, key.period.start, key.period.end].map(String).map(safe).join('-') +
      '.json'
    );
  }
  const hash = createHash('sha256').update(url.href).digest('hex').slice(0, 7);
  return `${safe(`${url.hostname}${url.pathname}`.replace(/\//g, '_'))}-${hash}.json`;
}

/** Written whole then renamed, so a replay reading the same folder never sees half a file. */
async function saveRecording(file: string, call: RecordedCall): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, JSON.stringify(call, null, 2) + '\n');
    await rename(temporary, file);
  } catch (error) {
    // Failing the call is deliberate: a record run that silently misses files cannot be replayed.
    throw new Error(`Could not save the Yahoo recording ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The statuses ./yahoo-errors maps to ProviderUnavailableError. */
function isTransientStatus(status: number): boolean {
  return [401, 403, 408, 425, 429].includes(status) || status >= 500;
}

function isDirectory(directory: string): boolean {
  try {
    return statSync(directory).isDirectory();
  } catch {
    return false;
  }
}

function urlOf(input: string | URL | Request): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}
