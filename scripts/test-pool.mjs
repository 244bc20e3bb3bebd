// A pool that runs test jobs (one process each) side by side and prints each job's output whole
// when it ends, so the lines of two jobs never interleave.
//
// Scheduling rules, in order:
//   - jobs start in queue order: capped jobs first, then the longest expected, so no long job
//     starts at the end;
//   - `lane`: jobs of one lane run one at a time (end-to-end files share the host's firewall
//     tools, sshd and tmux);
//   - `cap`: while such a job runs, at most `cap` jobs run in all (1: a timing-bound test has the
//     machine to itself); a capped job that cannot start yet holds back the jobs behind it;
//   - `last`: starts once every other job has ended and no more jobs will be added.
import { spawn } from 'node:child_process';

/** What the spec reporter's closing lines say, summed over files: `ℹ tests 12` … */
export const COUNTS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];

export function countsOf(output) {
  const counts = {};
  for (const name of COUNTS) {
    const m = [...output.matchAll(new RegExp(`^(?:\\[[^\\]]*\\] )?ℹ ${name} (\\d+)$`, 'gm'))];
    counts[name] = m.length > 0 ? Number(m[m.length - 1][1]) : 0;
  }
  return counts;
}

export class TestPool {
  /**
   * @param {object} options
   * @param {number} options.concurrency  how many jobs run at once
   * @param {(result: object) => void} options.onEnd  called with each finished job's result
   */
  constructor({ concurrency, onEnd }) {
    this.concurrency = Math.max(1, concurrency);
    this.onEnd = onEnd;
    this.queue = [];
    this.running = new Set();
    this.results = [];
    this.sealed = false;
    this.stopping = false;
    this.idle = null;
  }

  /**
   * Queues jobs: { label, command, args, env?, cwd?, seconds (expected), lane?, cap?, last?, prefix? }.
   * The queue stays sorted: capped jobs first (they need the machine before it fills), then the
   * longest expected, `last` jobs at the end.
   */
  add(jobs) {
    this.queue.push(...jobs);
    const rank = (j) => (j.last ? 0 : j.cap !== undefined ? 2 : 1);
    this.queue.sort((a, b) => rank(b) - rank(a) || b.seconds - a.seconds);
    this.#fill();
  }

  /** No more jobs will be added: resolves when every job has ended, with all results. */
  seal() {
    this.sealed = true;
    return new Promise((resolve) => {
      this.idle = resolve;
      this.#fill();
    });
  }

  /** Forwards a signal to every running job (their cleanup handlers run) and starts nothing more. */
  stop(signal) {
    this.stopping = true;
    for (const { child } of this.running) child.kill(signal);
  }

  #canStart(job) {
    const running = [...this.running].map((r) => r.job);
    if (running.length >= this.concurrency) return false;
    if (job.last) return running.length === 0 && this.sealed && this.queue.every((j) => j.last);
    if (job.lane !== undefined && running.some((r) => r.lane === job.lane)) return false;
    const cap = Math.min(job.cap ?? Infinity, ...running.map((r) => r.cap ?? Infinity));
    return running.length < cap;
  }

  #fill() {
    if (this.stopping) return this.#maybeIdle();
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i];
      if (this.#canStart(job)) {
        this.queue.splice(i, 1);
        this.#start(job);
        continue;
      }
      // A capped job waiting for the machine to drain: nothing behind it may start meanwhile.
      if (job.cap !== undefined && !job.last && !(job.lane !== undefined && [...this.running].some((r) => r.job.lane === job.lane))) break;
      i++;
    }
    this.#maybeIdle();
  }

  #maybeIdle() {
    // Sealed, nothing running and nothing could start: what is left can never run; callers count
    // it as not run rather than wait forever.
    if (this.idle !== null && this.running.size === 0 && (this.queue.length === 0 || this.stopping || this.sealed)) {
      const resolve = this.idle;
      this.idle = null;
      resolve(this.results);
    }
  }

  #start(job) {
    const started = Date.now();
    const child = spawn(job.command, job.args, { cwd: job.cwd, env: job.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = { job, child };
    this.running.add(entry);
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    const finish = (status, signal, error) => {
      if (!this.running.delete(entry)) return;
      let output = Buffer.concat(chunks).toString();
      if (error) output += `\n${job.label}: ${error.message}\n`;
      if (job.prefix) output = output.replace(/^(?=.)/gm, job.prefix);
      const result = { job, status, signal, ok: status === 0 && !error, seconds: (Date.now() - started) / 1000, output, counts: countsOf(output) };
      this.results.push(result);
      this.onEnd(result);
      this.#fill();
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (status, signal) => finish(status, signal, null));
  }
}

/** The counts of several jobs added up. */
export function totalCounts(results) {
  const total = Object.fromEntries(COUNTS.map((n) => [n, 0]));
  for (const r of results) for (const n of COUNTS) total[n] += r.counts[n];
  return total;
}

/** A job's output, then one line naming it with its verdict and time. */
export function printResult(r) {
  const verdict = r.ok ? 'PASS' : `FAIL (exit ${r.signal ?? r.status})`;
  process.stdout.write(`${r.output}${r.output.endsWith('\n') || r.output === '' ? '' : '\n'}${r.job.prefix ?? ''}── ${r.job.label}: ${verdict}, ${r.counts.tests} tests, ${r.seconds.toFixed(1)} s\n`);
}

/** How many jobs to run at once: one per core and one more, since many tests mostly wait. */
export function defaultConcurrency(availableParallelism) {
  const fromEnv = Number(process.env.SNOOPY_TEST_JOBS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism + 1;
}
