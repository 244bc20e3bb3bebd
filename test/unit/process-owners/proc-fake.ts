/** A fake /proc for the Linux lookup's unit tests, and a clock whose sleeps advance it. */
import { parseAddress } from '../../../src/net/address.js';
import { byteSwap32 } from '../../../src/platform/process-owners/proc-net-parser.js';
import type { ProcFs } from '../../../src/platform/process-owners/proc-fs.js';
import type { Clock } from '../../../src/platform/process-owners/rate-limited-task.js';

export function encodeProcAddress(words: readonly number[], v4: boolean, littleEndian = true): string {
  const hex = (w: number) => (littleEndian ? byteSwap32(w) : w >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return v4 ? hex(words[3]!) : words.map(hex).join('');
}

const STATES = { ESTABLISHED: '01', SYN_SENT: '02', SYN_RECV: '03', TIME_WAIT: '06', CLOSE: '07', LISTEN: '0A' } as const;

export interface FakeSocket {
  local: string;
  lport: number;
  remote?: string;
  rport?: number;
  state?: keyof typeof STATES;
  inode: number;
  /** Write into the tcp6/udp6 table (addresses as IPv6, v4 ones mapped). */
  v6?: boolean;
}

function endpoint(address: string, port: number, v6: boolean): string {
  const w = parseAddress(address);
  if (w === null) throw new Error(`bad address ${address}`);
  return `${encodeProcAddress(w, !v6)}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function procNetText(sockets: readonly FakeSocket[], v6: boolean): string {
  const lines = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
  sockets.forEach((s, i) => {
    const remote = s.remote ?? (v6 ? '::' : '0.0.0.0');
    lines.push(
      `  ${i}: ${endpoint(s.local, s.lport, v6)} ${endpoint(remote, s.rport ?? 0, v6)} ${STATES[s.state ?? 'ESTABLISHED']} 00000000:00000000 00:00000000 00000000     0        0 ${s.inode} 1 0000000000000000 20 0 0 10 -1`,
    );
  });
  return `${lines.join('\n')}\n`;
}

export interface FakeProcess {
  pid: number;
  name: string;
  cmdline?: string;
  uid?: number;
  startTime?: number;
  /** fd number → socket inode (or another link target). */
  fds: Record<string, number | string>;
  /** readdir of fd/ fails with this code. */
  fdError?: string;
}

function fsError(code: string, path: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: ${path}`);
  e.code = code;
  return e;
}

export class FakeProcFs implements ProcFs {
  readonly calls = { readFile: 0, readdir: 0, readlink: 0, procReaddir: 0, tableReads: 0 };
  readonly processes = new Map<number, FakeProcess>();
  tcp: FakeSocket[] = [];
  udp: FakeSocket[] = [];
  passwd = 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n';
  /** Called at the start of each /proc readdir (a scan), e.g. to change the world mid-scan. */
  onScan: (() => void) | null = null;

  addProcess(p: FakeProcess): void {
    this.processes.set(p.pid, p);
  }

  addSocket(proto: 'tcp' | 'udp', s: FakeSocket): void {
    this[proto].push(s);
  }

  async readFile(path: string): Promise<string> {
    this.calls.readFile++;
    await Promise.resolve();
    const net = /^\/proc\/net\/(tcp|udp)(6?)$/.exec(path);
    if (net) {
      this.calls.tableReads++;
      const proto = net[1] as 'tcp' | 'udp';
      const v6 = net[2] === '6';
      return procNetText(this[proto].filter((s) => (s.v6 ?? false) === v6), v6);
    }
    if (path === '/etc/passwd') return this.passwd;
    const m = /^\/proc\/(\d+)\/(stat|comm|cmdline|status)$/.exec(path);
    const p = m ? this.processes.get(Number(m[1])) : undefined;
    if (!m || p === undefined) throw fsError('ENOENT', path);
    switch (m[2]) {
      case 'stat':
        return `${p.pid} (${p.name}) S 1 ${p.pid} ${p.pid} 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 ${p.startTime ?? 1000} 1000000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;
      case 'comm':
        return `${p.name}\n`;
      case 'cmdline':
        return p.cmdline ?? `${p.name}\0`;
      default: {
        const uid = p.uid ?? 0;
        return `Name:\t${p.name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${p.pid}\nPid:\t${p.pid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t0\t0\t0\t0\n`;
      }
    }
  }

  async readdir(path: string): Promise<string[]> {
    this.calls.readdir++;
    await Promise.resolve();
    if (path === '/proc') {
      this.calls.procReaddir++;
      this.onScan?.();
      return ['self', 'net', ...[...this.processes.keys()].map(String), 'sys'];
    }
    const m = /^\/proc\/(\d+)\/fd$/.exec(path);
    const p = m ? this.processes.get(Number(m[1])) : undefined;
    if (!m || p === undefined) throw fsError('ENOENT', path);
    if (p.fdError !== undefined) throw fsError(p.fdError, path);
    return Object.keys(p.fds);
  }

  async readlink(path: string): Promise<string> {
    this.calls.readlink++;
    await Promise.resolve();
    const m = /^\/proc\/(\d+)\/fd\/(\d+)$/.exec(path);
    const p = m ? this.processes.get(Number(m[1])) : undefined;
    const target = p?.fds[m?.[2] ?? ''];
    if (target === undefined) throw fsError('ENOENT', path);
    return typeof target === 'number' ? `socket:[${target}]` : target;
  }
}

/** Time only moves when someone sleeps (or a test calls advance). */
export class FakeClock implements Clock {
  t = 1_000_000;
  readonly sleeps: number[] = [];

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    await Promise.resolve();
    this.t += ms;
  }

  advance(ms: number): void {
    this.t += ms;
  }
}
