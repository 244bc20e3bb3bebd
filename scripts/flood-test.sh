#!/usr/bin/env bash
# flood-test.sh — the full flood-and-exhaustion run: 60 s (or $1 s) of hping3
# --flood --rand-source into a victim namespace while the engine runs there with --auto-block
# and nftables; a real connect scan from a real address in the middle. Prints captured,
# dropped, peak RSS and event-loop lag, and fails if a bound is broken. CI runs the same test
# with an 8 s flood (npm test). Needs root, ip netns, hping3, nmap, nft, python3, a built dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -f dist/cli.js ]] || npm run build
SNOOPY_FLOOD_SECONDS=${1:-60} exec node --import tsx --test --test-reporter=spec test/e2e/flood-exhaustion.test.ts
