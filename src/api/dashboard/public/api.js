// The API client of the dashboard: every call carries the API key kept in this tab's sessionStorage.

const STORAGE_KEY = 'tradeflow.apiKey';

/** The key lives in sessionStorage only: per tab, gone when the tab closes; never in localStorage or a cookie. */
export const apiKey = {
  get: () => sessionStorage.getItem(STORAGE_KEY),
  set: (key) => sessionStorage.setItem(STORAGE_KEY, key),
  clear: () => sessionStorage.removeItem(STORAGE_KEY),
};

/** An answer outside 2xx, with the API's error envelope ({error: {code, message, details}}). */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body && typeof body === 'object' ? body.error : undefined;
    super(error?.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error?.code ?? 'http_error';
    this.details = error?.details;
  }
}

let onUnauthorized = () => {};
/** Called when the API answers 401 (a missing, wrong, expired or revoked key). */
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

/** One API call answering {status, body}; throws ApiError for statuses outside 2xx. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const key = apiKey.get();
  if (key) headers['x-api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  if (response.status === 401) onUnauthorized(new ApiError(401, parsed));
  if (!response.ok) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed };
}

/** `/a/b` with each id segment URL-encoded. */
export const route = (strings, ...values) =>
  strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');

/** A readable message for an error, with the fields a 400 names. */
export function describeError(error) {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  const issues = error.details?.issues;
  return Array.isArray(issues) && issues.length > 0
    ? `${error.message}\n${issues.map((i) => `• ${i.field}: ${i.message}`).join('\n')}`
    : error.message;
}
