/**
 * Waiting for events in tests, with a deadline instead of a fixed sleep.
 *
 * `waitFor(check)` re-runs `check` until it passes and returns as soon as it does; only when the
 * deadline passes does it fail, with what was awaited and the last reason the check gave. A
 * check passes when it neither throws nor returns (or resolves to) `false`, so a predicate
 * (`() => lines.length > 2`) and an assertion function (`() => assert.match(frame(), /x/)`) both
 * work. Deadlines are generous on purpose: on an idle machine they cost nothing, on a busy one
 * they are what keeps the test from failing for want of CPU.
 *
 * The timers used here are the real ones, taken when this module loads, and time is read from
 * `performance.now()`: a test that mocks setTimeout or Date (node:test `mock.timers`) can still
 * wait for real I/O.
 */

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate = globalThis.setImmediate;
const now = (): number => performance.now();

export interface WaitForOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Pause between two checks (default 10 ms). */
  intervalMs?: number;
  /**
   * What is awaited, for the timeout message. A function is called once, at the timeout, so it
   * can show the state at that moment (the last frame, the last lines of output …).
   */
  message?: string | (() => string);
}

export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
}

/** Resolves after `ms` of real time (for poll intervals; not a way to wait for an event). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

function describeReason(reason: unknown): string {
  if (reason === false) return 'the check last returned false';
  if (reason instanceof Error) return `last error: ${reason.message}`;
  return `last error: ${String(reason)}`;
}

function describeWhat(message: WaitForOptions['message']): string {
  if (message === undefined) return 'the condition';
  if (typeof message === 'string') return message;
  try {
    return message();
  } catch (e) {
    return `(describing the wait failed: ${(e as Error).message})`;
  }
}

/** Rejects with `onTimeout()` if `promise` has not settled within `ms`; clears its timer either way. */
function raceDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = realSetTimeout(() => reject(onTimeout()), Math.max(0, ms));
  });
  return Promise.race([promise, deadline]).finally(() => realClearTimeout(timer));
}

/**
 * Re-runs `check` until it passes (does not throw, does not return false); resolves with what
 * it returned. Rejects with a WaitForTimeoutError naming `message` and the last failure after
 * `timeoutMs`. An asynchronous check that is still running at the deadline counts as failed.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Exclude<T, false>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const start = now();
  let attempts = 0;
  let reason: unknown = new Error('never checked');
  for (;;) {
    attempts++;
    try {
      const left = timeoutMs - (now() - start);
      const result = await raceDeadline(Promise.resolve().then(check), left, () => new Error('the check was still running at the deadline'));
      if (result !== false) return result as Exclude<T, false>;
      reason = false;
    } catch (e) {
      reason = e;
    }
    const elapsed = now() - start;
    if (elapsed >= timeoutMs) {
      const error = new WaitForTimeoutError(`timed out after ${Math.round(elapsed)} ms (${attempts} checks) waiting for ${describeWhat(options.message)}; ${describeReason(reason)}`);
      if (reason instanceof Error) Object.assign(error, { cause: reason });
      throw error;
    }
    await pause(Math.min(intervalMs, Math.max(0, timeoutMs - elapsed)));
  }
}

/** Like waitFor, for a value that is not there yet: re-runs `get` until it returns neither null nor undefined. */
export async function waitForValue<T>(get: () => T | null | undefined | Promise<T | null | undefined>, options: WaitForOptions = {}): Promise<T> {
  return waitFor(async () => {
    const value = await get();
    if (value === null || value === undefined) throw new Error(`still ${String(value)}`);
    return value;
  }, options) as Promise<T>;
}

/**
 * Settles like `promise`, or rejects after `timeoutMs` saying that `what` did not happen. For
 * events that come as a promise (a process's exit, an engine message) and have no deadline of
 * their own.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string | (() => string)): Promise<T> {
  return raceDeadline(promise, timeoutMs, () => new WaitForTimeoutError(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`));
}

/**
 * Lets the event loop run `turns` times through its check phase (setImmediate), without any
 * fixed delay. Work queued before the call with setImmediate (React's scheduler runs the effects
 * of a commit that way in Node) has run when this resolves.
 */
export async function eventLoopTurns(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}
