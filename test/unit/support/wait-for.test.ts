import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitFor, waitForValue, WaitForTimeoutError, withTimeout } from '../../support/wait-for.js';

describe('waitFor (test support)', () => {
  test('returns as soon as a predicate holds, with what the check returned', async () => {
    let calls = 0;
    const value = await waitFor(() => ++calls >= 3 && 'done', { intervalMs: 1 });
    assert.equal(value, 'done');
    assert.equal(calls, 3);
  });

  test('an assertion function passes once it stops throwing', async () => {
    let n = 0;
    await waitFor(() => assert.ok(++n > 2, 'not yet'), { intervalMs: 1 });
    assert.equal(n, 3);
  });

  test('times out with the message and the last error', async () => {
    let n = 0;
    await assert.rejects(
      waitFor(() => assert.equal(++n, -1, `attempt ${n}`), { timeoutMs: 30, intervalMs: 5, message: () => `the impossible (state ${n})` }),
      (e: unknown) => {
        assert.ok(e instanceof WaitForTimeoutError);
        assert.match(e.message, /^timed out after \d+ ms \(\d+ checks\) waiting for the impossible \(state \d+\); last error: attempt \d+/);
        return true;
      },
    );
    assert.ok(n >= 2, 'checked more than once');
  });

  test('a predicate that stays false says so', async () => {
    await assert.rejects(waitFor(() => false, { timeoutMs: 20, message: 'a flag' }), /waiting for a flag; the check last returned false/);
  });

  test('an asynchronous check still running at the deadline fails the wait', async () => {
    await assert.rejects(waitFor(() => new Promise<boolean>(() => {}), { timeoutMs: 20 }), /the check was still running at the deadline/);
  });

  test('waitForValue waits for a value that is neither null nor undefined', async () => {
    let n = 0;
    assert.equal(await waitForValue(() => (++n < 3 ? undefined : n), { intervalMs: 1 }), 3);
    await assert.rejects(waitForValue(() => null, { timeoutMs: 20 }), /still null/);
  });

  test('withTimeout passes the result through, or names what did not happen', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1000, 'seven'), 7);
    await assert.rejects(withTimeout(new Promise(() => {}), 20, 'the exit'), /timed out after 20 ms waiting for the exit/);
  });

  test('keeps working while a test mocks setTimeout and Date', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    let n = 0;
    await waitFor(() => ++n >= 3, { intervalMs: 1 });
    await assert.rejects(waitFor(() => false, { timeoutMs: 20 }), WaitForTimeoutError);
  });
});
