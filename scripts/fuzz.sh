#!/usr/bin/env bash
# A longer fuzz run than the test suite's: scripts/fuzz.sh [MINUTES] [SEED] (default 10
# minutes, seed 1), the time shared between the four targets (engine, pack, batch, api).
# Built optimised. Findings are saved under target/fuzz-findings/<target>/; exit status
# 1 when there are any, 3 on a hang.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes=${1:-10}
seed=${2:-1}
case $minutes$seed in
*[!0-9]*)
    echo "usage: scripts/fuzz.sh [MINUTES] [SEED]" >&2
    exit 2
    ;;
esac
cargo build --release --quiet -p rapport-fuzz
exec target/release/rapport-fuzz --seconds $((minutes * 60)) --seed "$seed" --findings target/fuzz-findings
