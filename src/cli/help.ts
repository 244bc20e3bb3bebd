/** The --help text. Lists only flags that work in this version: it must tell the truth. */
export const HELP_TEXT = `snoopy-tui — real-time host intrusion detection with a terminal UI

Usage:
  sudo snoopy-tui [options]                  terminal UI, live capture on the default interface
  snoopy-tui --review [--history FILE]       the same UI over the history file alone: no capture,
                                             no root when the file is readable (u needs root)
  snoopy-tui --replay FILE [options]         the same UI over a pcap or pcapng capture (no root needed)
  snoopy-tui --analyze | --geolocate         reports over the history file
  sudo snoopy-tui --headless [options]       no UI: JSON lines on stdout, diagnostics on stderr

Keys in the UI (? shows them all): ↑↓ j k move, Enter details, Esc back, b block (asks
  first, and says when the address is protected), u unblock, U unblock all, / filter (every
  pane whose rows have the field; the engine filters every packet for the Packets pane),
  Tab or 1-5 panes (packets, connections, alerts, blocked, history), o show our own SSH
  session (hidden from the feed and rates by default), p pause display, s sort, q quit.
  New alerts show on every pane until the Alerts pane is viewed (config key bell: true rings
  the terminal bell too). Blocks go into the host firewall (see Response); replays never touch
  it. When the profile says 'prompt', the block prompt opens by itself for a new attacker.
  The UI needs an 80x24 terminal; times are local with the zone shown (--utc for UTC).

Capture:
  -i, --interface NAME     capture interface (default: the one with the default route; 'any' allowed)
      --replay FILE        read a pcap or pcapng file instead of capturing
      --speed N|max        replay speed as a multiple of recorded time (TUI default 1, headless max)
      --bpf EXPR           capture filter in tcpdump syntax (live capture)
      --home-net CIDR[,…]  addresses that are ours: only probes towards them count
                           (default live: the host's own addresses; replay: every address)

Detection:
      --profile NAME       high-security | balanced | development (default balanced)
      --threshold N        distinct ports one source must probe on one target to be a port scan
                           (overrides the profile)
      --blocklist FILE[,…] IP/CIDR blocklists: traffic with a listed address is MALICIOUS_IP
      --blocklist-export FILE  merge the --blocklist files (any supported format) into one
                           minimal CIDR list written to FILE, then exit
      --auth-log FILE      auth log to watch for SSH/FTP brute force and suspicious sudo commands
                           (default live: /var/log/auth.log, else /var/log/secure, else journald;
                           'journald' or 'none' choose; replays: none unless given, then read once)
                           Live runs also watch processes (/proc) for SUSPICIOUS_PROCESS
                           (config key processMonitor: false turns it off)

Response:
      --firewall auto|nftables|iptables|pfctl|netsh|none
                           blocking backend (default auto: nftables, else iptables + ipset;
                           pfctl on macOS/BSD, netsh on Windows). Ours only: table inet snoopy,
                           or chain SNOOPY + ipsets snoopy-*, or pf anchor snoopy
      --auto-block         block on detection without asking (default: the profile decides:
                           high-security blocks, balanced asks in the UI, development only logs)
      --no-auto-block      never block without asking
      --block-duration SECONDS  duration of a block (default 300); repeat offenders get
                           double the previous duration, up to 7 days
      --dry-run            decide and record blocks, change nothing (always on for --replay)
      --allow CIDR[,…]     never block these; loopback, this host's addresses, gateways, DNS
                           resolvers and live SSH peers are never blocked anyway
      --no-fail2ban        do not also ban in fail2ban (default: ban in jail sshd when installed)
      --flush              remove every rule and block of ours from the firewall, then exit
      --unblock ADDR[,…]   remove our blocks of these addresses from the firewall (and the
                           history), then exit
  Automatic blocks need a source that completed a TCP handshake (a spoofed flood is never
  banned); config keys: response (per attack type: log|prompt|block), requireProof, escalate,
  maxBlockDuration, ipv6BlockPrefix (64), flushOnExit, fail2banJail, iptablesVariant
  (system|nft|legacy), stopServices (opt-in: {"SSH_BRUTE_FORCE": "ssh"} stops that unit while
  the attack is blocked and starts it when the attack stops).

Records:
      --history FILE       history file of alerts and blocks (live default: /var/lib/snoopy-tui/history.json
                           as root, else ~/.local/state/snoopy-tui/history.json; replays: none unless given)
      --log-dir DIR        daily JSON logs attacks_YYYY-MM-DD.json, blocked_ports_YYYY-MM-DD.json
                           (live default: /var/log/snoopy-tui as root, else ~/.local/state/snoopy-tui/logs)
      --pcap-dir DIR       forensic pcap per alert: the attacker's packets 10 s before to 30 s after
                           (live default: /var/lib/snoopy-tui/pcaps as root; replays: none unless given)

Reports (over the history file; no capture, no root needed):
      --analyze            timing by hour, top attackers with country and reverse DNS, targeted
                           services and ports, attack types, blocks and how long attacks lasted after them
      --geolocate          attacks by country and region
      --format table|json|csv|text   table (default) or json; csv and text export the alert list
      --json               same as --format json
      --export FILE        write the report or export to FILE instead of stdout

Output:
      --headless           JSON lines on stdout: alerts, alert updates, stats
                           (SIGHUP re-reads -c FILE: new thresholds apply to the running detectors;
                           a bad file is one warning and the running config stays)
      --dashboard          the terminal UI, explicitly (the default; not with --headless)
      --review             the terminal UI over the history file alone (see Usage)
      --utc                the UI writes times in UTC (default: local time, zone shown)
  -v, --verbose            headless: also a readable line per new alert on stderr
      --refresh SECONDS    seconds between stats lines in live headless mode (default 5)
  -c, --config FILE        JSON config file; every flag has a key of the same name in camelCase
      --debug              diagnostics on stderr
      --version            print the version
  -h, --help               this help

Fleet and outputs past this host (see docs/fleet.md):
      --crowdsec URL       a CrowdSec Local API to share blocks through (either role alone works)
      --crowdsec-machine FILE  push: every block goes to the API as an alert with a ban
                           decision (FILE as \`cscli machines add NAME -f FILE\` writes it)
      --crowdsec-bouncer-key KEY|@FILE  pull: the API's decisions are enforced here for their
                           remaining time, shown with their origin (\`cscli bouncers add NAME\`)
      --metrics ADDR:PORT  Prometheus /metrics (a bare PORT listens on 127.0.0.1)
      --eve FILE           Suricata-EVE-shaped alert and stats lines (Filebeat, Elastic, Vector);
                           reopened when the file is moved away (log rotation)
      --syslog-remote udp://HOST:PORT|tcp://HOST:PORT  RFC 5424 to a remote collector
                           (TCP with octet counting; structured data carries the alert fields)

Notifications (config file only, under "notifications"; see README):
  desktop (notify-send / osascript / PowerShell toast), webhook (JSON POST of the alert line),
  slack ({"text": …}), telegram (botToken, chatId, apiBase), syslog (logger, auth facility).
  Each has enabled, minSeverity (default medium; syslog low), perMinute, timeoutSeconds (5), retries (3).
  Live runs notify new alerts through enabled channels (syslog is on unless "enabled": false);
  replays only through channels the config enables explicitly.
      --test-alerts        send one test message through every enabled channel, one line each;
                           exit 0 if all worked, 1 otherwise

Exit status: 0 on success (the UI: also when its terminal closes), 1 on a usage or setup
error (one line on stderr), also when the UI's engine process dies or a report finds no
history file, 2 when a capture file turned out truncated or malformed part-way (everything
before it is reported), 3 when history writes failed during the run (disk full …;
said on stderr as they happened).
`;
