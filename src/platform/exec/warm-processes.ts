import { StartedProcess } from './child-process-run.js';

/**
 * Commands started ahead of need. A command that does nothing until its input ends (`nft -f -`
 * reads its whole batch before it touches the firewall) can be spawned while nothing waits for
 * it; the next run then only writes its input. Spawning from a Node process of a hundred MB or
 * more costs milliseconds of the event loop, and exec + loading the tool's libraries as much
 * again: both leave the path from a decision to the firewall.
 *
 * One idle process per command line, started only after that command line has run once. An idle
 * process holds nothing and changes nothing: if we exit or die, its stdin closes and it exits on
 * empty input.
 */
const idle = new Map<string, StartedProcess>();
const preparing = new Set<string>();
const readyWaiters = new Map<string, (() => void)[]>();

const keyOf = (file: string, args: readonly string[]): string => [file, ...args].join('\0');

/** The idle process of this command line, if one is waiting (it is then no longer idle). */
export function takeWarm(file: string, args: readonly string[]): StartedProcess | null {
  const key = keyOf(file, args);
  const p = idle.get(key);
  if (p === undefined) return null;
  idle.delete(key);
  return p.waiting ? p : null;
}

/** Starts the next idle process of this command line once the event loop is free (after the callbacks running now). */
export function prepareWarm(file: string, args: readonly string[]): void {
  const key = keyOf(file, args);
  if (preparing.has(key) || idle.get(key)?.waiting === true) return;
  preparing.add(key);
  setImmediate(() => {
    preparing.delete(key);
    const p = new StartedProcess(file, args, true);
    p.unref();
    idle.set(key, p);
    void p.whenStarted().then(() => {
      for (const w of readyWaiters.get(key)?.splice(0) ?? []) w();
    });
  });
}

/** Resolves once an idle process of this command line is waiting (for tests). */
export function whenWarm(file: string, args: readonly string[]): Promise<void> {
  const key = keyOf(file, args);
  if (idle.get(key)?.waiting === true) return Promise.resolve();
  return new Promise((resolve) => {
    const list = readyWaiters.get(key) ?? [];
    list.push(resolve);
    readyWaiters.set(key, list);
  });
}
