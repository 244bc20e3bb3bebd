/**
 * `npm run bench`: the performance figures and their targets, side by side with tcpdump and tshark on the
 * same files. Prints one table on stdout (progress goes to stderr) and writes the same figures
 * as JSON to bench/out/results-<ISO timestamp>.json.
 *
 *   npm run bench                 # the table
 *   npm run bench -- --profile    # plus a CPU profile of one single-source replay (top 10)
 *   npm run bench -- --only firewall,latency   # a subset of: replay, start, firewall, latency, live, rate, ui
 *
 * Sections besides the replay (each one file, each skipped with a "skipped: reason" row when
 * it cannot run here — not root, a tool missing): firewall throughput (bench/firewall-bench.ts),
 * detection-to-rule latency (bench/latency-bench.ts), live capture under hping3 floods
 * (bench/live-bench.ts), the TUI in tmux (bench/ui-bench.ts). The live ones run only in
 * snp-bench-<pid>-* namespaces they create. They run one after the other, never two at once.
 *
 * Inputs (cached in bench/out/, reused when present): a SYN flood of BENCH_PACKETS packets
 * (default 1,000,000) from one real source, and one with spoofed random sources, recorded by
 * scripts/record-synflood.sh — or, only if that script is missing or fails, synthesized from
 * the real frames of fixtures/hping3-synflood*.pcap (bench/synth-flood.ts). The table's header
 * says which.
 *
 * Every measurement of our code runs in a fresh child process (bench/replay-once.ts), so peak
 * RSS belongs to that one replay.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, type as osType } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProfileSummary, summarizeProfile, type ProfileSummary } from './profile-summary.js';
import type { ReplayOnceResult } from './replay-once.js';
import { synthesizeFlood } from './synth-flood.js';
import { FLOOR_STAGES, type FloorStage, type ReplayFloorResult } from './replay-floor-stages.js';
import { fmtMillions, makeRow, renderTable, spread, type Row, type SectionResult } from './table.js';
import { benchFirewall } from './firewall-bench.js';
import { benchLatency } from './latency-bench.js';
import { benchLive } from './live-bench.js';
import { benchUi } from './ui-bench.js';
import { benchStart } from './start-bench.js';
import { benchLiveRate } from './live-rate-bench.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const PACKETS = Number(process.env.BENCH_PACKETS ?? 1_000_000);
const RUNS = 5;
/** A peer whose first run takes longer than this gets only that one run (keeps the bench short). */
const PEER_ONCE_ABOVE_S = 20;
/** Whole-pipeline targets: the spoofed flood (every packet a new source) and the single-source one. */
const TARGET_PPS = { spoofed: 2_000_000, single: 3_000_000 } as const;
const TARGET_RSS_BYTES = 300 * 1024 * 1024;
/** record-synflood.sh recreates these namespaces (killing what runs in them): never while in use. */
const RECORDER_NAMESPACES = ['/run/netns/snp-rec-attacker', '/run/netns/snp-rec-victim'];

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

/** Sections, in the order they run; `--only a,b` runs a subset. */
const SECTIONS = ['replay', 'start', 'firewall', 'latency', 'live', 'rate', 'ui'] as const;
type Section = (typeof SECTIONS)[number];

function chosenSections(argv: string[]): Section[] {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return [...SECTIONS];
  const value = argv[i]!.includes('=') ? argv[i]!.slice('--only='.length) : (argv[i + 1] ?? '');
  const wanted = value.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const unknown = wanted.filter((w) => !(SECTIONS as readonly string[]).includes(w));
  if (unknown.length > 0 || wanted.length === 0) throw new Error(`--only takes a comma-separated subset of ${SECTIONS.join(',')} (got ${JSON.stringify(value)})`);
  return SECTIONS.filter((s) => wanted.includes(s));
}

// ---------------------------------------------------------------------------------------------
// Inputs

interface InputSpec {
  key: 'single' | 'spoofed';
  label: string;
  randSource: boolean;
  fixture: string;
}

const INPUT_SPECS: InputSpec[] = [
  { key: 'single', label: 'SYN flood, 1 real source', randSource: false, fixture: 'fixtures/hping3-synflood.pcap' },
  { key: 'spoofed', label: 'SYN flood, --rand-source', randSource: true, fixture: 'fixtures/hping3-synflood-randsrc.pcap' },
];

interface InputMeta {
  origin: 'recorded' | 'synthesized';
  how: string;
  created: string;
  requested_packets: number;
  packets: number;
  bytes: number;
}

interface Input extends InputSpec {
  path: string;
  bytes: number;
  meta: InputMeta;
  /** Where it came from this time: cached or made now. */
  provenance: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function recorderFree(maxWaitS: number): Promise<boolean> {
  const busy = (): boolean => RECORDER_NAMESPACES.some((p) => existsSync(p));
  if (!busy()) return true;
  log(`network namespaces of scripts/lib-netns.sh are in use (another recording?); waiting up to ${maxWaitS} s`);
  for (let waited = 0; waited < maxWaitS; waited += 5) {
    await sleep(5000);
    if (!busy()) return true;
  }
  return false;
}

/** Packets in a capture file, by capinfos. */
function countPackets(path: string): number {
  const r = spawnSync('capinfos', ['-M', '-T', '-r', '-c', path], { encoding: 'utf8' });
  const n = Number(r.stdout.trim().split('\t')[1]);
  return r.status === 0 && Number.isFinite(n) ? n : -1;
}

async function recordOnce(spec: InputSpec, path: string, script: string): Promise<boolean> {
  if (!(await recorderFree(300))) {
    log('namespaces still in use; not recording now');
    return false;
  }
  const tmp = `${path}.recording.pcap`;
  const args = [script, tmp, String(PACKETS), ...(spec.randSource ? ['--rand-source'] : [])];
  log(`recording: bash ${args.map((a) => relative(ROOT, a) || a).join(' ')}`);
  // The script's output goes to our stderr: stdout is for the table.
  const r = spawnSync('bash', args, { cwd: ROOT, stdio: ['ignore', 2, 2], timeout: 15 * 60_000 });
  const got = existsSync(tmp) ? countPackets(tmp) : -1;
  if (r.status !== 0 || got < PACKETS) {
    log(`record-synflood.sh failed (status ${r.status ?? r.signal}, ${got} of ${PACKETS} packets)`);
    rmSync(tmp, { force: true });
    return false;
  }
  renameSync(tmp, path);
  return true;
}

async function record(spec: InputSpec, path: string): Promise<InputMeta | null> {
  const script = join(ROOT, 'scripts', 'record-synflood.sh');
  if (!existsSync(script)) {
    log('scripts/record-synflood.sh not found');
    return null;
  }
  // A second try: the namespaces are shared with other recordings, which can tear ours down.
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (await recordOnce(spec, path, script)) {
      return {
        origin: 'recorded',
        how: `scripts/record-synflood.sh OUT ${PACKETS}${spec.randSource ? ' --rand-source' : ''} (hping3 -S --flood in a netns, tcpdump on the victim side)`,
        created: new Date().toISOString(),
        requested_packets: PACKETS,
        packets: countPackets(path),
        bytes: statSync(path).size,
      };
    }
  }
  return null;
}

/** A cached input is reused only if it is the file its metadata describes. */
function cachedMeta(path: string, metaPath: string): InputMeta | null {
  if (!existsSync(path) || !existsSync(metaPath)) return null;
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as InputMeta;
    if (meta.bytes === statSync(path).size && meta.packets >= PACKETS) return meta;
  } catch {
    // unreadable metadata: make the input again
  }
  log(`${relative(ROOT, path)}: cached file does not match its metadata; making it again`);
  return null;
}

async function ensureInput(spec: InputSpec): Promise<Input> {
  const path = join(OUT, `synflood-${spec.key}-${PACKETS}.pcap`);
  const metaPath = `${path}.json`;
  let meta = cachedMeta(path, metaPath);
  let provenance = '';
  if (meta !== null) {
    provenance = `cached, ${meta.origin} ${meta.created}`;
    if (meta.origin === 'synthesized' && existsSync(join(ROOT, 'scripts', 'record-synflood.sh'))) {
      log(`${relative(ROOT, path)} is synthesized; trying to record a real one`);
      const rec = await record(spec, path);
      if (rec !== null) {
        meta = rec;
        provenance = 'recorded now';
        writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
      }
    }
  } else {
    rmSync(metaPath, { force: true });
    meta = await record(spec, path);
    provenance = 'recorded now';
    if (meta === null) {
      const fixture = join(ROOT, spec.fixture);
      log(`synthesizing ${relative(ROOT, path)} from ${spec.fixture} (last resort)`);
      synthesizeFlood({ fixture, out: path, packets: PACKETS, randSource: spec.randSource });
      meta = {
        origin: 'synthesized',
        how: `bench/synth-flood.ts: real frames of ${spec.fixture} repeated with rewritten ${spec.randSource ? 'source addresses, ' : ''}ports, checksums, timestamps`,
        created: new Date().toISOString(),
        requested_packets: PACKETS,
        packets: PACKETS,
        bytes: statSync(path).size,
      };
      provenance = 'synthesized now';
    }
    writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  }
  return { ...spec, path, bytes: statSync(path).size, meta, provenance };
}

// ---------------------------------------------------------------------------------------------
// Running things

interface Timed {
  wall_s: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; wall time from spawn to exit (process start included). */
function timed(cmd: string, args: string[], opts: { stdoutToNull?: boolean } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const devNull = opts.stdoutToNull === true ? openSync('/dev/null', 'w') : null;
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', devNull ?? 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (devNull !== null) closeSync(devNull);
      reject(e);
    });
    child.on('close', (status) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (devNull !== null) closeSync(devNull);
      resolve({ wall_s: wall, status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

function check(t: Timed, what: string): Timed {
  if (t.status !== 0) throw new Error(`${what} exited with ${t.status}: ${t.stderr.trim().slice(-2000)}`);
  return t;
}

async function replayOnce(file: string, extraNodeArgs: string[] = [], extraArgs: string[] = []): Promise<ReplayOnceResult> {
  const t = check(
    await timed(process.execPath, [...extraNodeArgs, '--import', 'tsx', join(ROOT, 'bench', 'replay-once.ts'), file, ...extraArgs]),
    'bench/replay-once.ts',
  );
  const result = JSON.parse(t.stdout.trim().split('\n').pop()!) as ReplayOnceResult;
  if (!result.end.startsWith('eof')) throw new Error(`replay of ${file} ended: ${result.end}`);
  return result;
}

interface CliRun {
  wall_s: number;
  packets: number;
  alerts: number;
  output_lines: number;
}

/**
 * The CLI runs without reverse DNS, as the peers run with -n: the end of a replay waits up to 2 s
 * for names of the alerts' attackers, and where no resolver answers (this machine) that wait is
 * the network's time, not ours.
 */
const CLI_CONFIG = join(OUT, 'cli-no-reverse-dns.json');

async function cliOnce(file: string): Promise<CliRun> {
  writeFileSync(CLI_CONFIG, `${JSON.stringify({ reverseDns: false })}\n`);
  const t = check(await timed(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--replay', file, '--headless', '-c', CLI_CONFIG]), 'dist/cli.js');
  const lines = t.stdout.trim().split('\n').filter((l) => l !== '');
  const stats = JSON.parse(lines[lines.length - 1] ?? '{}') as { event_type?: string; packets?: number; alerts?: number };
  if (stats.event_type !== 'stats') throw new Error(`dist/cli.js: last output line is not a stats line`);
  return { wall_s: t.wall_s, packets: stats.packets ?? 0, alerts: stats.alerts ?? 0, output_lines: lines.length };
}

async function peerOnce(cmd: string, args: string[]): Promise<number> {
  return check(await timed(cmd, args, { stdoutToNull: true }), cmd).wall_s;
}

// ---------------------------------------------------------------------------------------------

interface InputResults {
  input: Input;
  packets: number;
  replay: ReplayOnceResult[];
  cli: CliRun[];
  tcpdump_s: number[];
  tshark_s: number[];
  /** Seconds per run of each stage below the detectors (bench/replay-floor.ts). */
  floor: Record<FloorStage, number[]>;
}

async function floorOnce(file: string, stage: FloorStage): Promise<ReplayFloorResult> {
  const t = check(await timed(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'replay-floor.ts'), file, stage]), 'bench/replay-floor.ts');
  return JSON.parse(t.stdout.trim().split('\n').pop()!) as ReplayFloorResult;
}

async function measure(input: Input): Promise<InputResults> {
  const rel = relative(ROOT, input.path);
  const replay: ReplayOnceResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    replay.push(await replayOnce(input.path));
    log(`${input.key}: engine.run() ${replay[i]!.run_ms.toFixed(0)} ms, ${fmtMillions(replay[i]!.pps)}, peak RSS ${(replay[i]!.max_rss_bytes / 2 ** 20).toFixed(0)} MB`);
  }
  const packets = replay[0]!.packets;
  if (packets < PACKETS) throw new Error(`${rel}: only ${packets} packets replayed, expected ≥ ${PACKETS}`);
  const cli: CliRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    cli.push(await cliOnce(input.path));
    if (cli[i]!.packets !== packets) throw new Error(`dist/cli.js counted ${cli[i]!.packets} packets, replay-once ${packets}`);
    log(`${input.key}: node dist/cli.js --replay --headless ${cli[i]!.wall_s.toFixed(3)} s`);
  }
  const peer = async (cmd: string, args: string[]): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      times.push(await peerOnce(cmd, [...args, rel]));
      log(`${input.key}: ${cmd} ${args.join(' ')} ${times[i]!.toFixed(3)} s`);
      if (times[0]! > PEER_ONCE_ABOVE_S) break;
    }
    return times;
  };
  const tcpdump = await peer('tcpdump', ['-nr']);
  const tshark = await peer('tshark', ['-r']);
  const floor = { read: [], decode: [], flows: [] } as Record<FloorStage, number[]>;
  for (const stage of FLOOR_STAGES) {
    for (let i = 0; i < RUNS; i++) {
      const f = await floorOnce(input.path, stage);
      if (f.packets !== packets) throw new Error(`bench/replay-floor.ts ${stage} counted ${f.packets} packets, replay-once ${packets}`);
      floor[stage].push(f.run_ms / 1000);
    }
    log(`${input.key}: floor ${stage}: ${fmtMillions(packets / spread(floor[stage]).median)}`);
  }
  return { input, packets, replay, cli, tcpdump_s: tcpdump, tshark_s: tshark, floor };
}

/** The stages below the detectors, as the table names them: the whole pipeline can never pass them. */
const FLOOR_LABELS: Record<FloorStage, string> = {
  read: 'floor: file reader alone',
  decode: 'floor: reader + decode',
  flows: 'floor: reader + decode + flow table, no detectors',
};

function rowsFor(r: InputResults): Row[] {
  const key = r.input.key;
  const pps = (s: number): number => r.packets / s;
  const run = spread(r.replay.map((x) => x.run_ms / 1000));
  const rss = spread(r.replay.map((x) => x.max_rss_bytes / 2 ** 20));
  const cli = spread(r.cli.map((x) => x.wall_s));
  const tcpdump = spread(r.tcpdump_s);
  const tshark = spread(r.tshark_s);
  const ours = pps(run.median);
  const oursE2e = pps(cli.median);
  const row = (measurement: string, s: ReturnType<typeof spread>, unit: Row['unit'], extra: Partial<Row>): Row => makeRow(key, measurement, s, unit, extra);
  const rssTarget = key === 'spoofed';
  return [
    row('whole pipeline: Engine.run()', run, 's', {
      pps: ours,
      vs_tcpdump: ours / pps(tcpdump.median),
      vs_tshark: ours / pps(tshark.median),
      target: `≥ ${fmtMillions(TARGET_PPS[key])}`,
      result: ours >= TARGET_PPS[key] ? 'PASS' : 'MISS',
    }),
    row('peak RSS of that replay process', rss, 'MB', {
      target: rssTarget ? `< ${TARGET_RSS_BYTES / 2 ** 20} MB` : '',
      result: rssTarget ? (rss.median * 2 ** 20 < TARGET_RSS_BYTES ? 'PASS' : 'MISS') : '',
    }),
    row('node dist/cli.js --replay F --headless (no reverse DNS)', cli, 's', {
      pps: oursE2e,
      vs_tcpdump: oursE2e / pps(tcpdump.median),
      vs_tshark: oursE2e / pps(tshark.median),
    }),
    ...FLOOR_STAGES.map((stage) => {
      const f = spread(r.floor[stage]);
      return row(FLOOR_LABELS[stage], f, 's', { pps: pps(f.median), note: `the whole pipeline runs at ${((100 * ours) / pps(f.median)).toFixed(0)} % of this` });
    }),
    ...(
      [
        ['tcpdump -nr F > /dev/null', tcpdump],
        ['tshark -r F > /dev/null', tshark],
      ] as const
    ).map(([m, s]) =>
      row(m, s, 's', { pps: pps(s.median), run_vs_this: ours / pps(s.median), e2e_vs_this: oursE2e / pps(s.median) }),
    ),
  ];
}

/**
 * One replay of the dist build under `node --cpu-prof`, summarized over engine.run()'s window
 * only (startup and tsx's loader are left out). tsx's loader thread writes its own profile;
 * the main thread's is the one with thread id 0 (CPU.<date>.<time>.<pid>.<tid>.<seq>).
 */
async function profileReplay(input: Input, stamp: string): Promise<ProfileSummary> {
  const dir = join(OUT, `profile-${stamp}-${input.key}`);
  mkdirSync(dir, { recursive: true });
  log(`profiling one replay of ${relative(ROOT, input.path)} (node --cpu-prof, dist build)`);
  const r = await replayOnce(input.path, ['--cpu-prof', '--cpu-prof-dir', dir], ['--dist']);
  const file = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (file === undefined) throw new Error(`no main-thread .cpuprofile written to ${dir}`);
  return summarizeProfile(join(dir, file), 10, [r.run_start_us, r.run_end_us]);
}

function toolVersion(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown';
}

async function main(): Promise<void> {
  const wantProfile = process.argv.includes('--profile');
  const started = performance.now();
  const stamp = new Date().toISOString();
  const loadStart = loadavg();
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: run `npm run build` (npm run bench does)');

  const sections = chosenSections(process.argv);
  log(`sections: ${sections.join(', ')}`);
  // The UI section replays the spoofed flood: the inputs are needed for it too.
  const inputs: Input[] = [];
  if (sections.includes('replay') || sections.includes('ui') || sections.includes('rate')) for (const spec of INPUT_SPECS) inputs.push(await ensureInput(spec));
  const results: InputResults[] = [];
  if (sections.includes('replay')) for (const input of inputs) results.push(await measure(input));
  const rows = results.flatMap(rowsFor);
  const profiles: ProfileSummary[] = [];
  if (wantProfile && sections.includes('replay')) for (const input of inputs) profiles.push(await profileReplay(input, stamp.replace(/[:.]/g, '-')));
  // The live sections, one after the other (never two measurements at once on 2 shared cores).
  const sectionRaw: Partial<Record<Section, unknown>> = {};
  const sectionNotes: string[] = [];
  const spoofed = inputs.find((i) => i.key === 'spoofed');
  const runners: Record<Exclude<Section, 'replay'>, () => Promise<SectionResult>> = {
    start: benchStart,
    firewall: benchFirewall,
    latency: benchLatency,
    live: benchLive,
    rate: () => benchLiveRate(spoofed?.path ?? null),
    ui: () => benchUi(spoofed?.path ?? null),
  };
  for (const section of sections) {
    if (section === 'replay') continue;
    const t0 = performance.now();
    const r = await runners[section]();
    rows.push(...r.rows);
    sectionRaw[section] = r.raw;
    sectionNotes.push(...(r.notes ?? []).map((n) => `  ${section}: ${n}`));
    log(`${section}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const totalS = (performance.now() - started) / 1000;

  const machine = {
    node: process.version,
    os: `${osType()} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    tcpdump: toolVersion('tcpdump', ['--version']),
    tshark: toolVersion('tshark', ['--version']),
  };
  const header = [
    `snoopy-tui bench ${stamp} — node ${machine.node}, ${machine.os}, ${machine.cores} × ${machine.cpu}; ${machine.tcpdump}; ${machine.tshark}`,
    ...results.map(
      (r) =>
        `  ${r.input.key.padEnd(7)} ${relative(ROOT, r.input.path)}: ${r.packets.toLocaleString('en-US')} packets, ${(r.input.bytes / 2 ** 20).toFixed(1)} MiB, ` +
        `${r.input.meta.origin.toUpperCase()} (${r.input.meta.how}); ${r.input.provenance}; ` +
        `alerts ${r.replay[0]!.alerts_new} new + ${r.replay[0]!.alert_updates} updates, flows active ${r.replay[0]!.flows_active}, evicted ${r.replay[0]!.flows_evicted}`,
    ),
    ...(results.length === 0
      ? []
      : [
        `  Engine.run(): real Engine over openCaptureFile(F, {speed:'max'}), defaultRunConfig(), homeNet null, one fresh \`node --import tsx bench/replay-once.ts F\` per run; cli and peers: wall time incl. process start`,
        `  ours/this = our packets/s ÷ that peer's (> 1: we are faster): run = Engine.run(), e2e = node dist/cli.js (process start included)`,
        `  peers run ${RUNS} times, or once when the first run takes over ${PEER_ONCE_ABOVE_S} s; tcpdump -nr is slow on the spoofed flood because it caches every address's text in a fixed-size chained hash (ipaddr_string) even with -n`,
        ]),
    ...sectionNotes,
    `  load average (1/5/15 min) at start ${loadStart.map((x) => x.toFixed(2)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on this machine skews the figures)`,
  ];
  process.stdout.write(`${header.join('\n')}\n\n${renderTable(rows)}\n\nbench took ${totalS.toFixed(0)} s\n`);
  for (let i = 0; i < profiles.length; i++) process.stdout.write(`\n[${inputs[i]!.key}] ${formatProfileSummary(profiles[i]!)}`);

  const jsonPath = join(OUT, `results-${stamp}.json`);
  writeFileSync(
    jsonPath,
    `${JSON.stringify(
      {
        timestamp: stamp,
        machine,
        packets_requested: PACKETS,
        sections,
        targets: { whole_pipeline_pps: TARGET_PPS, spoofed_rss_bytes: TARGET_RSS_BYTES, detection_to_rule_ms: 50, ui_fps: 15, ui_first_frame_ms: 300, version_s: 0.15 },
        inputs: results.map((r) => ({
          key: r.input.key,
          label: r.input.label,
          path: relative(ROOT, r.input.path),
          ...r.input.meta,
          packets: r.packets,
          bytes: r.input.bytes,
          provenance: r.input.provenance,
        })),
        rows,
        raw: results.map((r) => ({ input: r.input.key, replay_once: r.replay, cli: r.cli, tcpdump_s: r.tcpdump_s, tshark_s: r.tshark_s })),
        sections_raw: sectionRaw,
        profiles,
        load_average: { start: loadStart, end: loadavg() },
        bench_seconds: totalS,
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${relative(ROOT, jsonPath)}`);
}

await main();
