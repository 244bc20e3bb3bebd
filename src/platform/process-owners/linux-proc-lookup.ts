/**
 * Linux: socket → process through /proc, with async fs only and bounded work.
 *
 *  1. Socket tables /proc/net/{tcp,tcp6} or {udp,udp6} → the entry that handles the key
 *     (socket-table.ts rules) → its inode. Tables are re-read at most every `tableIntervalMs`,
 *     shared by all lookups; a lookup that misses in a table older than itself waits for a fresh one.
 *  2. inode → pid: a bounded LRU (inode → pid and fd number), verified on every use by one
 *     readlink of /proc/PID/fd/FD. On a miss, a full scan of /proc/PID/fd/* readlinks
 *     (`socket:[INODE]`), at most one every `rescanIntervalMs` (and never more than ~1/4 of the
 *     time on a host where a scan is slow); lookups arriving meanwhile wait for that scan. Inodes a complete scan could not find are remembered as unknown for
 *     `negativeTtlMs`, so a flood of flows to a kernel socket or an unreadable process does not
 *     turn into a flood of scans.
 *  3. pid → ProcessInfo from /proc/PID/{comm,cmdline,status}, cached with the inode (a verified
 *     hit needs no more reads) and per pid, checked against the start time in /proc/PID/stat (a
 *     reused pid is another process), re-read after `processInfoTtlMs` (exec changes the name);
 *     user names from /etc/passwd.
 *
 * Honest unknowns (null): the connection is already in TIME_WAIT or otherwise closed (inode 0),
 * the owner runs in a process we may not inspect (EACCES when not root, another pid namespace),
 * the process exited between the table read and the scan, or several programs share the socket.
 * A process exiting mid-scan (ENOENT) is skipped; nothing here throws.
 *
 * `procNetDir` chooses the network namespace: /proc/net is this process's own; /proc/PID/net is
 * the namespace of process PID (the fd scan is the same, since /proc shows every process of our
 * pid namespace whatever its network namespace).
 */
import { BoundedLru } from './bounded-lru.js';
import { HOST_LITTLE_ENDIAN, parseProcNet } from './proc-net-parser.js';
import { errorCode, nodeProcFs, type ProcFs } from './proc-fs.js';
import { COMMAND_LINE_MAX, formatCommandLine, parseComm, parsePasswd, parseSocketLink, parseStatStartTime, parseStatusUid } from './proc-process.js';
import type { ProcessInfo, ProcessOwnerLookup, ProcessOwnerStats, SocketKey } from './process-owner-lookup.js';
import { RateLimitedTask, realClock, type Clock } from './rate-limited-task.js';
import { pickOwner, SocketTable } from './socket-table.js';

export interface LinuxProcLookupOptions {
  fs?: ProcFs;
  clock?: Clock;
  /** Default /proc. */
  procRoot?: string;
  /** Where the socket tables are read: default `${procRoot}/net` (our own network namespace). */
  procNetDir?: string;
  /** Default /etc/passwd. */
  passwdPath?: string;
  /** inode → pid cache bound (default 16,384). */
  inodeCacheSize?: number;
  /** pid → ProcessInfo cache bound (default 4,096). */
  processCacheSize?: number;
  /** Bound of the "scanned, no owner found" memory (default 4,096). */
  negativeCacheSize?: number;
  /** Minimum gap between full /proc/PID/fd scans (default 100 ms). */
  rescanIntervalMs?: number;
  /** Minimum gap between socket-table reads, and how old a table may be before a lookup (default 25 ms). */
  tableIntervalMs?: number;
  /** Gaps between table reads and between scans are also at least this many times the last one's duration (default 4). */
  refreshSpacingFactor?: number;
  /** How long an inode a complete scan could not place stays unknown without rescanning (default 10 s). */
  negativeTtlMs?: number;
  /** How long a process's name and command line are trusted before being re-read (default 2 s). */
  processInfoTtlMs?: number;
  /** How long /etc/passwd is trusted (default 60 s). */
  passwdTtlMs?: number;
  /** Lookups allowed to wait at once; more are answered null at once and counted as shed (default 4,096). */
  maxPending?: number;
  /** Processes whose fds are read in parallel during a scan (default 8). */
  scanConcurrency?: number;
  /** readlink calls one scan may make; past this the scan is incomplete (default 1,000,000). */
  maxFdsPerScan?: number;
  /** Command lines are cut at this many characters (default 512). */
  commandLineMax?: number;
  /** Byte order of /proc/net words (default: this host's). */
  littleEndian?: boolean;
}

interface Holder {
  pid: number;
  fd: string;
  /** The holder's ProcessInfo and when it was read: a verified cache hit then costs one readlink. */
  info?: ProcessInfo;
  infoAt?: number;
}

interface ScanResult {
  holders: Map<number, Holder>;
  /** Every readable process was read to the end: an inode not found has no reachable owner. */
  complete: boolean;
  processes: number;
  inaccessible: number;
  readlinks: number;
}

interface CachedProcess {
  startTime: string | null;
  loadedAt: number;
  info: ProcessInfo;
}

const FD_BATCH = 64;

export interface LinuxProcLookupStats extends ProcessOwnerStats {
  tableReads: number;
  unknown: number;
  shed: number;
  /** The latest scan: how long it took, how many processes it read and could not read. */
  lastScan: { ms: number; processes: number; inaccessible: number; readlinks: number; complete: boolean } | null;
}

export class LinuxProcLookup implements ProcessOwnerLookup {
  private readonly fs: ProcFs;
  private readonly clock: Clock;
  private readonly procRoot: string;
  private readonly procNetDir: string;
  private readonly passwdPath: string;
  private readonly tableIntervalMs: number;
  private readonly negativeTtlMs: number;
  private readonly processInfoTtlMs: number;
  private readonly passwdTtlMs: number;
  private readonly maxPending: number;
  private readonly scanConcurrency: number;
  private readonly maxFdsPerScan: number;
  private readonly commandLineMax: number;
  private readonly littleEndian: boolean;

  private readonly tables: Record<'tcp' | 'udp', RateLimitedTask<SocketTable<number>>>;
  private readonly scans: RateLimitedTask<ScanResult>;
  private readonly inodes: BoundedLru<number, Holder>;
  private readonly unresolved: BoundedLru<number, number>;
  private readonly processes: BoundedLru<number, CachedProcess>;
  private passwd: { loadedAt: number; users: Promise<Map<number, string>> } | null = null;

  private hits = 0;
  private misses = 0;
  private unknown = 0;
  private shed = 0;
  private pending = 0;
  private closed = false;
  private lastScan: LinuxProcLookupStats['lastScan'] = null;

  constructor(options: LinuxProcLookupOptions = {}) {
    this.fs = options.fs ?? nodeProcFs;
    this.clock = options.clock ?? realClock;
    this.procRoot = options.procRoot ?? '/proc';
    this.procNetDir = options.procNetDir ?? `${this.procRoot}/net`;
    this.passwdPath = options.passwdPath ?? '/etc/passwd';
    this.tableIntervalMs = options.tableIntervalMs ?? 25;
    this.negativeTtlMs = options.negativeTtlMs ?? 10_000;
    this.processInfoTtlMs = options.processInfoTtlMs ?? 2_000;
    this.passwdTtlMs = options.passwdTtlMs ?? 60_000;
    this.maxPending = options.maxPending ?? 4_096;
    this.scanConcurrency = Math.max(1, options.scanConcurrency ?? 8);
    this.maxFdsPerScan = options.maxFdsPerScan ?? 1_000_000;
    this.commandLineMax = options.commandLineMax ?? COMMAND_LINE_MAX;
    this.littleEndian = options.littleEndian ?? HOST_LITTLE_ENDIAN;
    const spacing = options.refreshSpacingFactor ?? 4;
    this.tables = {
      tcp: new RateLimitedTask(() => this.readTable('tcp'), this.tableIntervalMs, this.clock, spacing),
      udp: new RateLimitedTask(() => this.readTable('udp'), this.tableIntervalMs, this.clock, spacing),
    };
    this.scans = new RateLimitedTask(() => this.scan(), options.rescanIntervalMs ?? 100, this.clock, spacing);
    this.inodes = new BoundedLru(options.inodeCacheSize ?? 16_384);
    this.unresolved = new BoundedLru(options.negativeCacheSize ?? 4_096);
    this.processes = new BoundedLru(options.processCacheSize ?? 4_096);
  }

  async lookup(key: SocketKey): Promise<ProcessInfo | null> {
    if (this.closed || this.pending >= this.maxPending) {
      if (!this.closed) this.shed++;
      this.misses++;
      this.unknown++;
      return null;
    }
    this.pending++;
    try {
      const info = await this.resolve(key);
      if (info === null) this.unknown++;
      return this.closed ? null : info;
    } catch {
      this.unknown++;
      return null;
    } finally {
      this.pending--;
    }
  }

  stats(): LinuxProcLookupStats {
    return {
      hits: this.hits,
      misses: this.misses,
      rescans: this.scans.runs,
      cacheSize: this.inodes.size,
      tableReads: this.tables.tcp.runs + this.tables.udp.runs,
      unknown: this.unknown,
      shed: this.shed,
      lastScan: this.lastScan,
    };
  }

  close(): void {
    this.closed = true;
    this.inodes.clear();
    this.unresolved.clear();
    this.processes.clear();
    this.tables.tcp.reset();
    this.tables.udp.reset();
    this.scans.reset();
    this.passwd = null;
  }

  private async resolve(key: SocketKey): Promise<ProcessInfo | null> {
    if (key.proto !== 'tcp' && key.proto !== 'udp') {
      this.misses++;
      return null;
    }
    const asked = this.clock.now();
    const tables = this.tables[key.proto];
    let snapshot = await tables.get(asked - this.tableIntervalMs);
    let match = snapshot.value.match(key);
    if (match.kind === 'none' && snapshot.startedAt < asked) {
      // Not there in a table read before we were asked: the socket may be newer than the table.
      snapshot = await tables.get(asked);
      match = snapshot.value.match(key);
    }
    if (match.kind !== 'owned') {
      this.misses++;
      return null;
    }

    const holders: Holder[] = [];
    const missing: number[] = [];
    for (const inode of match.owners) {
      const holder = await this.cachedHolder(inode);
      if (holder !== null) holders.push(holder);
      else if (!this.knownUnresolved(inode)) missing.push(inode);
    }
    if (missing.length === 0 && holders.length > 0) this.hits++;
    else this.misses++;

    if (missing.length > 0) {
      // The sockets existed when the table was read, so any scan started after that sees their holders.
      const scan = await this.scans.get(snapshot.finishedAt);
      for (const inode of missing) {
        const holder = scan.value.holders.get(inode);
        if (holder !== undefined) {
          holders.push(holder);
          this.inodes.set(inode, holder);
        } else if (scan.value.complete) {
          this.unresolved.set(inode, scan.startedAt);
        }
      }
    }
    if (holders.length === 0) return null;

    const byPid = new Map<number, Holder>();
    for (const h of holders) if (!byPid.has(h.pid)) byPid.set(h.pid, h);
    const infos = await Promise.all([...byPid.values()].map((h) => this.holderInfo(h)));
    return pickOwner(infos.filter((i): i is ProcessInfo => i !== null));
  }

  /**
   * The holder's process. Its fd was just verified (cache hit) or read (scan), so the process is
   * the one we described before unless it exec'd since: its description is trusted for
   * `processInfoTtlMs`, then re-read.
   */
  private async holderInfo(holder: Holder): Promise<ProcessInfo | null> {
    const now = this.clock.now();
    if (holder.info !== undefined && holder.infoAt !== undefined && now - holder.infoAt < this.processInfoTtlMs) return holder.info;
    const info = await this.processInfo(holder.pid);
    if (info !== null) {
      holder.info = info;
      holder.infoAt = now;
    }
    return info;
  }

  /** The cached holder of `inode` if it still holds it (one readlink), else null. */
  private async cachedHolder(inode: number): Promise<Holder | null> {
    const holder = this.inodes.get(inode);
    if (holder === undefined) return null;
    try {
      const link = await this.fs.readlink(`${this.procRoot}/${holder.pid}/fd/${holder.fd}`);
      if (parseSocketLink(link) === inode) return holder;
    } catch {
      // the process or the fd is gone
    }
    this.inodes.delete(inode);
    return null;
  }

  private knownUnresolved(inode: number): boolean {
    const at = this.unresolved.get(inode);
    if (at === undefined) return false;
    if (this.clock.now() - at < this.negativeTtlMs) return true;
    this.unresolved.delete(inode);
    return false;
  }

  private async readTable(proto: 'tcp' | 'udp'): Promise<SocketTable<number>> {
    const files = proto === 'tcp' ? ['tcp', 'tcp6'] : ['udp', 'udp6'];
    const texts = await Promise.all(files.map((f) => this.fs.readFile(`${this.procNetDir}/${f}`).catch(() => '')));
    return new SocketTable(texts.flatMap((t) => parseProcNet(t, proto, this.littleEndian).entries));
  }

  private async scan(): Promise<ScanResult> {
    const began = this.clock.now();
    const result: ScanResult = { holders: new Map(), complete: true, processes: 0, inaccessible: 0, readlinks: 0 };
    let names: string[];
    try {
      names = await this.fs.readdir(this.procRoot);
    } catch {
      result.complete = false;
      return result;
    }
    const pids = names.filter((n) => /^\d+$/.test(n));
    let next = 0;
    let budget = this.maxFdsPerScan;
    const worker = async (): Promise<void> => {
      while (next < pids.length && budget > 0) {
        const pidText = pids[next++]!;
        const pid = Number(pidText);
        const dir = `${this.procRoot}/${pidText}/fd`;
        let fds: string[];
        try {
          fds = await this.fs.readdir(dir);
        } catch (e) {
          const code = errorCode(e);
          if (code === 'EACCES' || code === 'EPERM') result.inaccessible++;
          continue; // ENOENT: the process exited; anything else: skip it too
        }
        result.processes++;
        if (fds.length > budget) {
          fds = fds.slice(0, budget);
          result.complete = false;
        }
        budget -= fds.length;
        for (let i = 0; i < fds.length; i += FD_BATCH) {
          const batch = fds.slice(i, i + FD_BATCH);
          const links = await Promise.all(batch.map((fd) => this.fs.readlink(`${dir}/${fd}`).catch(() => '')));
          result.readlinks += batch.length;
          for (let j = 0; j < links.length; j++) {
            const inode = parseSocketLink(links[j]!);
            if (inode === null) continue;
            const previous = result.holders.get(inode);
            if (previous === undefined || pid < previous.pid) result.holders.set(inode, { pid, fd: batch[j]! });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: this.scanConcurrency }, worker));
    if (next < pids.length) result.complete = false;
    for (const [inode, holder] of result.holders) this.inodes.set(inode, holder);
    if (result.holders.size > this.inodes.capacity) {
      // Do not keep a map of every socket on a busy host: once this scan's waiters have it,
      // later lookups go through the (bounded) inode cache, or a new rate-limited scan.
      setImmediate(() => {
        if (this.scans.latest()?.value === result) this.scans.reset();
      }).unref();
    }
    this.lastScan = {
      ms: this.clock.now() - began,
      processes: result.processes,
      inaccessible: result.inaccessible,
      readlinks: result.readlinks,
      complete: result.complete,
    };
    return result;
  }

  private async processInfo(pid: number): Promise<ProcessInfo | null> {
    const base = `${this.procRoot}/${pid}`;
    const stat = await this.fs.readFile(`${base}/stat`).catch(() => null);
    if (stat === null) return null;
    const startTime = parseStatStartTime(stat);
    const now = this.clock.now();
    const cached = this.processes.get(pid);
    if (cached !== undefined && cached.startTime === startTime && now - cached.loadedAt < this.processInfoTtlMs) return cached.info;
    const [comm, cmdline, status] = await Promise.all(
      ['comm', 'cmdline', 'status'].map((f) => this.fs.readFile(`${base}/${f}`).catch(() => null)),
    );
    if (comm === null || comm === undefined || status === null || status === undefined) return null;
    const uid = parseStatusUid(status);
    if (uid === null) return null;
    const users = await this.users();
    const info: ProcessInfo = {
      pid,
      name: parseComm(comm),
      commandLine: formatCommandLine(cmdline ?? '', this.commandLineMax),
      user: users.get(uid) ?? String(uid),
      uid,
    };
    this.processes.set(pid, { startTime, loadedAt: now, info });
    return info;
  }

  private users(): Promise<Map<number, string>> {
    const now = this.clock.now();
    if (this.passwd === null || now - this.passwd.loadedAt >= this.passwdTtlMs) {
      const users = this.fs.readFile(this.passwdPath).then(parsePasswd, () => new Map<number, string>());
      this.passwd = { loadedAt: now, users };
    }
    return this.passwd.users;
  }
}
