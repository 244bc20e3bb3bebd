import { sanitizeForDisplay } from '../text/display-sanitizer.js';
import type { FleetOperation } from '../model/fleet-status.js';
import type { MachineCredentials } from './lapi-credentials.js';

/** A failed exchange with the Local API: one line, never a password, key or token. */
export class LapiError extends Error {
  constructor(
    readonly operation: FleetOperation,
    message: string,
    /** HTTP status, or null when the API could not be reached. */
    readonly status: number | null,
  ) {
    super(message);
  }

  /** The API understood and refused (4xx but 401/408/429): sending it again will not help. */
  get permanent(): boolean {
    return this.status !== null && this.status >= 400 && this.status < 500 && ![401, 408, 429].includes(this.status);
  }
}

export interface LapiClientOptions {
  /** The Local API, e.g. http://10.0.0.5:8080/ */
  url: string;
  /** Watcher role: the machine's credentials (push, and deletion of decisions). */
  machine: MachineCredentials | null;
  /** Bouncer role: the API key (pull). */
  bouncerKey: string | null;
  fetch: typeof fetch;
  /** `name/version`: the API refuses a watcher's login with any other shape of User-Agent. */
  userAgent: string;
  /** Per request (default 5 s). */
  timeoutMs?: number;
  now?: () => number;
}

/** A decision as the stream carries it, before validation. */
export type RawDecision = Record<string, unknown>;

/**
 * HTTP to a CrowdSec Local API (v1): `POST /v1/watchers/login` for a JWT (kept until a minute
 * before it expires, fetched again on a 401), `POST /v1/alerts`, `DELETE /v1/decisions/{id}`
 * as a watcher; `GET /v1/decisions/stream` with `X-Api-Key` as a bouncer.
 */
export class LapiClient {
  private token: string | null = null;
  private tokenExpires = 0;
  private loggingIn: Promise<string> | null = null;
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly o: LapiClientOptions) {
    this.base = new URL(o.url.endsWith('/') ? o.url : `${o.url}/`);
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.now = o.now ?? Date.now;
    // Node loads its HTTP client (undici, ~25 ms of CPU) on first use: here, while the run is
    // assembled, rather than at the first block, on the packet path's thread.
    void new Headers();
  }

  /** Sends alerts (with their decisions); resolves with the ids the API gave them. */
  async pushAlerts(alerts: readonly object[]): Promise<unknown> {
    return this.asWatcher('push', 'POST', 'v1/alerts', alerts);
  }

  /** Deletes one decision; the API answers how many went (0 when it was already gone). */
  async deleteDecision(id: number): Promise<void> {
    await this.asWatcher('delete', 'DELETE', `v1/decisions/${encodeURIComponent(String(id))}`, undefined);
  }

  /** New and deleted decisions since the last pull (`startup`: every active one). */
  async pullDecisions(startup: boolean): Promise<{ new: RawDecision[]; deleted: RawDecision[] }> {
    if (this.o.bouncerKey === null) throw new LapiError('pull', 'no bouncer key configured', null);
    const body = await this.request('pull', 'GET', `v1/decisions/stream${startup ? '?startup=true' : ''}`, undefined, { 'X-Api-Key': this.o.bouncerKey });
    if (typeof body !== 'object' || body === null) throw new LapiError('pull', 'the decision stream is not a JSON object', 200);
    const b = body as { new?: unknown; deleted?: unknown };
    const list = (v: unknown): RawDecision[] => (Array.isArray(v) ? v.filter((d): d is RawDecision => typeof d === 'object' && d !== null) : []);
    return { new: list(b.new), deleted: list(b.deleted) };
  }

  private async asWatcher(operation: FleetOperation, method: string, path: string, body: unknown): Promise<unknown> {
    const token = await this.currentToken();
    try {
      return await this.request(operation, method, path, body, { Authorization: `Bearer ${token}` });
    } catch (e) {
      if (!(e instanceof LapiError) || e.status !== 401) throw e;
      // Expired early, or the API restarted with a new secret: log in again, once.
      this.token = null;
      const fresh = await this.currentToken();
      return this.request(operation, method, path, body, { Authorization: `Bearer ${fresh}` });
    }
  }

  private currentToken(): Promise<string> {
    if (this.token !== null && this.now() < this.tokenExpires - 60_000) return Promise.resolve(this.token);
    this.loggingIn ??= this.login().finally(() => (this.loggingIn = null));
    return this.loggingIn;
  }

  private async login(): Promise<string> {
    const m = this.o.machine;
    if (m === null) throw new LapiError('login', 'no machine credentials configured', null);
    const body = await this.request('login', 'POST', 'v1/watchers/login', { machine_id: m.login, password: m.password, scenarios: [] }, {});
    const { token, expire } = (body ?? {}) as { token?: unknown; expire?: unknown };
    if (typeof token !== 'string' || token === '') throw new LapiError('login', 'the login answer carries no token', 200);
    const expires = typeof expire === 'string' ? Date.parse(expire) : NaN;
    this.token = token;
    // The API's tokens last an hour; without a readable expiry, assume 30 minutes.
    this.tokenExpires = Number.isFinite(expires) ? expires : this.now() + 30 * 60_000;
    return token;
  }

  private async request(operation: FleetOperation, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
    let res: Response;
    try {
      res = await this.o.fetch(new URL(path, this.base), {
        method,
        headers: { 'User-Agent': this.o.userAgent, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new LapiError(operation, `${operation}: Local API unreachable (${networkReason(e)})`, null);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new LapiError(operation, `${operation}: Local API answered HTTP ${res.status}${apiMessage(text)}`, res.status);
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new LapiError(operation, `${operation}: the Local API's answer is not JSON`, res.status);
    }
  }
}

/** The API's own message (`{"message": …}`), one short sanitized line; it never holds our secrets. */
function apiMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '') return `: ${sanitizeForDisplay(m.split('\n')[0]!, { maxWidth: 120 })}`;
  } catch {
    // not JSON
  }
  return '';
}

function networkReason(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  return err.cause?.code ?? 'connection failed';
}
