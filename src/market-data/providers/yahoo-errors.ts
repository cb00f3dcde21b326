/**
 * Turns whatever yahoo-finance2 (or the fetch under it) threw into the domain's error classes, which decide
 * whether Temporal retries: unknown symbols and malformed data are final, rate limits and outages are retried.
 */
import { MalformedMarketDataError, ProviderUnavailableError, UnknownSymbolError } from '../bar';

/** HTTP statuses worth retrying: timeouts, rate limits, auth hiccups (Yahoo's crumb/cookie flow), server faults. */
function isTransientStatus(status: number): boolean {
  return (
    status === 401 || status === 403 || status === 408 || status === 425 || status === 429 || status >= 500
  );
}

/** Error codes Node's fetch (undici) puts on `cause` when the network, not Yahoo, failed. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** How Yahoo words "this symbol does not exist" (the v8 chart endpoint answers 404 with this body). */
const NOT_FOUND_MESSAGE = /no data found|symbol may be delisted|not found/i;

/** Messages yahoo-finance2 throws when a 200 response is not the shape it expects. */
const MALFORMED_MESSAGE =
  /where we expect JSON|Unexpected result|Timestamp count mismatch|No timestamp with/i;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * @param status the HTTP status of the response, when the caller saw it (yahoo-finance2 hides it for error bodies
 *   that are JSON, e.g. a 404 or a 500 with a `chart.error` object).
 */
export function toProviderError(error: unknown, symbol: string, status?: number): unknown {
  if (
    error instanceof UnknownSymbolError ||
    error instanceof MalformedMarketDataError ||
    error instanceof ProviderUnavailableError
  ) {
    return error;
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const httpStatus = status ?? (e.name === 'HTTPError' && typeof e.code === 'number' ? e.code : undefined);

  if (httpStatus === 404) return new UnknownSymbolError(symbol, 'yahoo', `HTTP 404: ${brief(message)}`);
  if (httpStatus !== undefined && isTransientStatus(httpStatus)) {
    return new ProviderUnavailableError(
      `Yahoo answered HTTP ${httpStatus} for ${symbol}: ${brief(message)}`,
      {
        cause: error,
      },
    );
  }
  if (e.name === 'FailedYahooValidationError') {
    return new MalformedMarketDataError(
      `Yahoo chart response for ${symbol} failed schema validation: ${validationSummary(e.errors)}`,
      { cause: error },
    );
  }
  if (NOT_FOUND_MESSAGE.test(message)) return new UnknownSymbolError(symbol, 'yahoo', brief(message));
  if (MALFORMED_MESSAGE.test(message)) {
    return new MalformedMarketDataError(
      `Yahoo chart response for ${symbol} is malformed: ${brief(message)}`,
      {
        cause: error,
      },
    );
  }
  if (isNetworkFailure(e)) {
    return new ProviderUnavailableError(`Could not reach Yahoo for ${symbol}: ${brief(message)}`, {
      cause: error,
    });
  }
  return error;
}

function isNetworkFailure(e: ErrorLike): boolean {
  // fetch rejects with TypeError('fetch failed') on network faults; AbortSignal.timeout gives TimeoutError.
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'TypeError' && typeof e.message === 'string' && /fetch failed|network/i.test(e.message))
    return true;
  const cause = e.cause as ErrorLike | undefined;
  return (
    typeof cause === 'object' &&
    cause !== null &&
    typeof cause.code === 'string' &&
    NETWORK_CODES.has(cause.code)
  );
}

function validationSummary(errors: unknown): string {
  if (!Array.isArray(errors) || errors.length === 0) return 'no details';
  const items = (errors as { instancePath?: string; message?: string }[])
    .slice(0, 3)
    .map((item) => `${item.instancePath || '/'} ${item.message ?? 'is invalid'}`);
  return items.join('; ') + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : '');
}

/** Error bodies can be whole HTML pages: keep messages one short line. */
function brief(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
