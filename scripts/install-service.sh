#!/bin/sh
# Installs snoopy-tui as a systemd service (packaging/systemd/snoopy-tui.service) and says what
# it did, one line per step.
#
#   sudo scripts/install-service.sh [PATH_TO_SNOOPY_TUI]
#
# PATH_TO_SNOOPY_TUI defaults to `command -v snoopy-tui`. Environment, for packagers and tests:
#   UNIT_DIR    where the unit goes            (default /etc/systemd/system)
#   CONFIG_DIR  where config.json is created   (default /etc/snoopy-tui)
#   NO_SYSTEMCTL=1  write files only: no daemon-reload / enable / start
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
template="$here/packaging/systemd/snoopy-tui.service"
unit_dir=${UNIT_DIR:-/etc/systemd/system}
config_dir=${CONFIG_DIR:-/etc/snoopy-tui}
binary=${1:-$(command -v snoopy-tui || true)}

fail() { echo "install-service: $*" >&2; exit 1; }

[ -n "$binary" ] || fail "snoopy-tui is not on PATH: give its path (e.g. sudo $0 \$(command -v snoopy-tui))"
case "$binary" in /*) ;; *) fail "give an absolute path to snoopy-tui, got '$binary'" ;; esac
[ -x "$binary" ] || fail "$binary is not executable"
[ -f "$template" ] || fail "unit template $template is missing"
if [ "${NO_SYSTEMCTL:-0}" != 1 ] && [ "$(id -u)" != 0 ]; then fail "run as root (sudo $0)"; fi

mkdir -p "$config_dir"
if [ -e "$config_dir/config.json" ]; then
  echo "kept existing $config_dir/config.json"
else
  # 0600: the config may hold a Telegram bot token or webhook URLs.
  (umask 077 && printf '{\n  "notifications": {}\n}\n' > "$config_dir/config.json")
  echo "created $config_dir/config.json (mode 0600)"
fi

mkdir -p "$unit_dir"
sed -e "s#^ExecStart=/usr/local/bin/snoopy-tui #ExecStart=$binary #" \
    -e "s#-c /etc/snoopy-tui/config.json#-c $config_dir/config.json#" \
    "$template" > "$unit_dir/snoopy-tui.service"
chmod 0644 "$unit_dir/snoopy-tui.service"
echo "wrote $unit_dir/snoopy-tui.service (ExecStart=$binary --headless -c $config_dir/config.json)"

if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify "$unit_dir/snoopy-tui.service"
  echo "systemd-analyze verify: ok"
fi

if [ "${NO_SYSTEMCTL:-0}" = 1 ]; then
  echo "NO_SYSTEMCTL=1: not enabling or starting the service"
  exit 0
fi
systemctl daemon-reload && echo "systemctl daemon-reload: ok"
systemctl enable --now snoopy-tui.service && echo "enabled and started snoopy-tui.service (logs: journalctl -u snoopy-tui -f)"
