import { safeJsonStringify } from '../../text/display-sanitizer.js';
/** The fetch the HTTP channels use; tests and the default share Node's global fetch. */
export type FetchFunction = typeof fetch;

/** Longest piece of a failing response body that goes into an error message. */
const MAX_BODY_IN_MESSAGE = 200;

/**
 * POSTs `body` as JSON and resolves on a 2xx answer. Every failure is an Error with a short,
 * plain reason: `HTTP 401: Unauthorized`, `timed out after 5000 ms`, `connection refused`.
 * The reason may still contain the URL (callers redact it).
 */
export async function postJson(fetchImpl: FetchFunction, url: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'snoopy-tui' },
      body: safeJsonStringify(body),
      signal: signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]),
      redirect: 'error',
    });
  } catch (e) {
    throw new Error(fetchFailure(e, timeoutMs));
  }
  if (response.ok) {
    // Read (and discard) the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    return;
  }
  let text = '';
  try {
    text = (await response.text()).replace(/\s+/g, ' ').trim().slice(0, MAX_BODY_IN_MESSAGE);
  } catch {
    // The status alone says enough.
  }
  throw new Error(`HTTP ${response.status}${text ? `: ${text}` : response.statusText ? `: ${response.statusText}` : ''}`);
}

function fetchFailure(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (err.name === 'AbortError') return 'cancelled: the run is ending';
  const code = err.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    default:
      return err.cause?.message ?? err.message;
  }
}
