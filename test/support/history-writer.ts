/**
 * A child process for the history crash tests: `node --import tsx history-writer.ts FILE [MODE]`.
 *
 * burst (default): writes bursts of history entries forever, numbering them on from the highest
 *   number already in the history (each entry's `detail` is `seq <n>`), and prints `added <n>`
 *   after each add and `flushed <n>` after every completed flush, so a parent that kill -9s it
 *   knows which entries must have survived. Rotation is on (small maxEntries), so kills also land mid-rotation.
 * exit-without-flush: adds three entries and exits at once, leaving them to the exit handler.
 * hold: opens the history, prints `holding`, and keeps it open until killed.
 * An open that fails prints `error: <message>` and exits with status 3.
 */
import { HistoryStore } from '../../src/store/history/history-store.js';
import type { HistoryEntry } from '../../src/model/history-entry.js';

const [file, mode = 'burst'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: history-writer.ts FILE [burst|exit-without-flush]\n');
  process.exit(2);
}

function seqOf(e: HistoryEntry): number {
  const detail = e.kind === 'alert' ? String(e.alert.attack_details.seq ?? '') : (e.detail ?? '');
  const m = /^seq (\d+)$/.exec(detail) ?? /^(\d+)$/.exec(detail);
  return m ? Number(m[1]) : 0;
}

function entry(n: number): HistoryEntry {
  const at = new Date(Date.UTC(2026, 10, 21) + n * 1000).toISOString();
  const address = `198.51.100.${n % 250}`;
  if (n % 4 === 0) {
    return {
      kind: 'alert',
      alert: {
        event_type: 'alert',
        id: `w-${n}`,
        timestamp: at,
        attack_type: 'SSH_BRUTE_FORCE',
        severity: 'medium',
        attacker_ip: address,
        target_ip: '192.0.2.1',
        target_port: 22,
        protocol: 'tcp',
        packet_count: n,
        duration: 2.5,
        reverse_dns: null,
        country: null,
        process: 'sshd',
        action: 'logged',
        attack_details: { service: 'ssh', first_seen: at, interface: 'eth0', platform_info: 'Linux', seq: String(n), padding: 'x'.repeat(300) },
      },
    };
  }
  return n % 4 === 3
    ? { kind: 'unblock', at, address, reason: 'expired', detail: `seq ${n}` }
    : { kind: 'block', at, address, reason: 'SSH_BRUTE_FORCE', durationSeconds: 300, action: 'dry_run', detail: `seq ${n}` };
}

let opened: Awaited<ReturnType<typeof HistoryStore.open>>;
try {
  opened = await HistoryStore.open(file, { debounceMs: 5, maxEntries: 3000, maxArchives: 1000 });
} catch (e) {
  process.stdout.write(`error: ${(e as Error).message}\n`);
  process.exit(3);
}
const { store, warning } = opened;
// A note that a killed run's journal was replayed is expected after a kill -9; anything else is damage.
if (warning) process.stderr.write(`${/^history file \S+: \d+ changes? recovered from \S+\.journal \(the last run ended before writing (it|them)\)$/.test(warning) ? 'recovered' : 'warning'}: ${warning}\n`);

if (mode === 'hold') {
  process.stdout.write('holding\n');
  setInterval(() => undefined, 1000);
  await new Promise(() => undefined);
}

if (mode === 'exit-without-flush') {
  store.add(entry(1));
  store.add(entry(2));
  store.add(entry(3));
  process.exit(0);
}

let next = 1;
for (const e of await store.readAll()) next = Math.max(next, seqOf(e) + 1);
process.stdout.write(`ready ${next - 1}\n`);
for (;;) {
  const burst = 1 + Math.floor(Math.random() * 150);
  for (let i = 0; i < burst; i++) {
    const n = next++;
    store.add(entry(n));
    // Updates of earlier alerts replace their entry (and keep their seq).
    if (n % 7 === 0 && n > 8) {
      const old = entry(n - (n % 4) - 4);
      if (old.kind === 'alert') store.upsertAlert({ ...old.alert, packet_count: n });
    }
    // Recorded (journalled) now: a kill -9 from here on must not lose it.
    process.stdout.write(`added ${n}\n`);
  }
  await store.flush();
  process.stdout.write(`flushed ${next - 1}\n`);
}
