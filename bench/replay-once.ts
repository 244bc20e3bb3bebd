/**
 * One whole-pipeline replay measurement, meant to run in a fresh process so that peak RSS
 * (`process.resourceUsage().maxRSS`) belongs to this replay alone:
 *
 *   node --import tsx bench/replay-once.ts FILE [--dist] [--sinks]
 *
 * Runs the real Engine over openCaptureFile(FILE, {speed: 'max'}) with defaultRunConfig() and
 * homeNet null, counts alerts (new and updates), and prints one JSON object on stdout.
 * `--sinks`: every output past this host is fed as the assembly feeds it (bench/bench-sinks.ts),
 * to measure what they cost the packet path.
 */
type RunConfigModule = typeof import('../src/config/run-config.js');
type OpenCaptureFileModule = typeof import('../src/engine/capture/file/open-capture-file.js');
type EngineModule = typeof import('../src/engine/engine.js');

/** `--dist`: the tsc build in dist/ (what the CLI runs; clean line numbers for profiles). */
const fromDist = process.argv.includes('--dist');
const withSinks = process.argv.includes('--sinks');
const base = fromDist ? '../dist/' : '../src/';
const { defaultRunConfig } = (await import(`${base}config/run-config.js`)) as RunConfigModule;
const { openCaptureFile } = (await import(`${base}engine/capture/file/open-capture-file.js`)) as OpenCaptureFileModule;
const { Engine } = (await import(`${base}engine/engine.js`)) as EngineModule;

export interface ReplayOnceResult {
  file: string;
  /** Which build ran: src (through tsx) or dist (tsc output). */
  build: 'src' | 'dist';
  end: string;
  packets: number;
  bytes: number;
  malformed: number;
  non_ip: number;
  alerts_new: number;
  alert_updates: number;
  flows_active: number;
  flows_evicted: number;
  flows_expired: number;
  /** Wall time of engine.run() alone, ms. */
  run_ms: number;
  /** CPU time (user + system, every thread) of this process during engine.run(), ms: less noisy than wall time on a shared machine. */
  run_cpu_ms: number;
  run_start_us: number;
  run_end_us: number;
  pps: number;
  /** Peak resident set of this process, bytes. */
  max_rss_bytes: number;
  /** RSS right before the run (the cost of Node + modules + engine tables), bytes. */
  rss_before_bytes: number;
  heap_used_after_bytes: number;
  /** With --sinks: what the outputs produced (proof they ran). */
  sinks?: { eve_bytes: number; metrics_bytes: number; push_queued: number };
}

async function main(): Promise<void> {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (file === undefined) {
    process.stderr.write('usage: node --import tsx bench/replay-once.ts FILE [--dist] [--sinks]\n');
    process.exitCode = 64;
    return;
  }
  const config = defaultRunConfig();
  let alertsNew = 0;
  let alertUpdates = 0;
  const source = await openCaptureFile(file, { speed: 'max' });
  let engineRef: InstanceType<typeof Engine> | null = null;
  const sinks = withSinks
    ? await (await import('./bench-sinks.js')).openBenchSinks(base, {
        packets: () => {
          const p = engineRef!.pipeline;
          return { packets: p.packets, bytes: p.bytes, dropped: null, malformedByReason: p.malformed.toRecord(), flowsActive: p.flows.size, flowCapacity: p.flows.capacity, flowsEvicted: p.flows.evicted, flowsExpired: p.flows.expired };
        },
        blocks: () => [],
        fleet: () => null,
      })
    : null;
  const engine = new Engine({
    config,
    source,
    homeNet: null,
    onAlert: (alert, kind) => {
      if (kind === 'new') alertsNew++;
      else alertUpdates++;
      sinks?.alert(alert, kind);
    },
  });
  engineRef = engine;
  const rssBefore = process.memoryUsage.rss();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const end = await engine.run();
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  // The run's window on the monotonic clock, µs (what a .cpuprofile's timestamps count).
  const runMs = Number(t1 - t0) / 1e6;
  const p = engine.pipeline;
  const sinkFigures = sinks !== null ? await sinks.close(engine.stats()) : undefined;
  const result: ReplayOnceResult = {
    file,
    build: fromDist ? 'dist' : 'src',
    end: end.reason + (end.error !== undefined ? `: ${end.error}` : ''),
    packets: p.packets,
    bytes: p.bytes,
    malformed: p.malformed.total,
    non_ip: p.nonIp,
    alerts_new: alertsNew,
    alert_updates: alertUpdates,
    flows_active: p.flows.size,
    flows_evicted: p.flows.evicted,
    flows_expired: p.flows.expired,
    run_ms: Math.round(runMs * 1000) / 1000,
    run_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    run_start_us: Number(t0 / 1000n),
    run_end_us: Number(t1 / 1000n),
    pps: Math.round(p.packets / (runMs / 1000)),
    max_rss_bytes: process.resourceUsage().maxRSS * 1024,
    rss_before_bytes: rssBefore,
    heap_used_after_bytes: process.memoryUsage().heapUsed,
    ...(sinkFigures !== undefined ? { sinks: sinkFigures } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
