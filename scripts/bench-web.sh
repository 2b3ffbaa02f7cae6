#!/usr/bin/env bash
# Load benchmark of the web app on loopback (a script, not a test): wrk against
# POST /api/score with a 264-word answer, and against GET /api/guides/ID as the baseline
# measured in the same run. Prints requests/s, p99 latency and the ratio to the baseline,
# first with the lexical engine, then with the model when it is installed.
#   scripts/bench-web.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-16}

if ! command -v wrk >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -q -p rapport
bin=target/release/rapport
# Each server gets a fresh data directory, so point at the user's model explicitly.
data_home=${RAPPORT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/rapport}
export RAPPORT_MODEL_DIR=${RAPPORT_MODEL_DIR:-$data_home/models/all-MiniLM-L6-v2}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

python3 - "$work/body.json" <<'PY'
import json, sys
answer = open("test_data/bench/difficult-customer.txt", encoding="utf-8").read()
json.dump({"question_id": "difficult-customer", "answer": answer}, open(sys.argv[1], "w"))
PY
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

# Each request adds one sentence never seen before, as typing does: with the model, that
# sentence has to be embedded (the rest come from the live sentence cache).
cat > "$work/edit.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb")
local body = f:read("*a")
f:close()
local n = 0
local thread_tag = tostring(math.random(1, 1000000000))
request = function()
    n = n + 1
    local edited = body:sub(1, -3) .. " I rang him again on day " .. n .. " of batch " .. thread_tag .. " to check the laptop was fine.\"}"
    return wrk.format(nil, nil, nil, edited)
end
LUA

# Runs wrk and prints "requests/s p99-ms".
measure() {
    local out
    out=$(wrk --latency -t2 -c"$connections" -d"${seconds}s" "$@")
    local rps p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
    if [[ -n $errors ]]; then
        echo "wrk reported errors: $errors" >&2
        exit 1
    fi
    # wrk prints latencies with units (us, ms, s): normalise to milliseconds.
    p99=$(awk -v v="$p99" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }')
    echo "$rps $p99"
}

run_engine() {
    local engine=$1
    RAPPORT_DATA_DIR="$work/data-$engine" "$bin" --engine "$engine" serve --addr 127.0.0.1:0 >"$work/serve-$engine.log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do
        grep -q "running at" "$work/serve-$engine.log" 2>/dev/null && break
        sleep 0.1
    done
    local base
    base=$(sed -n 's/^Rapport is running at \(http:[^ ]*\)\/$/\1/p' "$work/serve-$engine.log")
    [[ -n $base ]] || { cat "$work/serve-$engine.log" >&2; exit 1; }
    # Warm up (the first request compiles the guide; with the model, fills caches).
    curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @"$work/body.json" "$base/api/score"
    read -r base_rps base_p99 < <(measure "$base/api/guides/difficult-customer")
    read -r rps p99 < <(measure -s "$work/post.lua" "$base/api/score")
    printf '  %-9s baseline GET /api/guides/ID %9.0f req/s  p99 %6.2f ms\n' "$engine" "$base_rps" "$base_p99"
    printf '  %-9s POST /api/score (264 words) %9.0f req/s  p99 %6.2f ms  (%.2f of baseline throughput)\n' \
        "$engine" "$rps" "$p99" "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { printf "%.3f", a / b }')"
    read -r edit_rps edit_p99 < <(measure -s "$work/edit.lua" "$base/api/score")
    printf '  %-9s POST /api/score, one new sentence each %6.0f req/s  p99 %6.2f ms\n' "$engine" "$edit_rps" "$edit_p99"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

echo "wrk on loopback, ${seconds}s, $connections connections, 2 threads; $(nproc) cores shared by wrk and the server"
run_engine lexical
echo "  goal (lexical): >= 2000 req/s and p99 <= 20 ms"
if [[ -f $RAPPORT_MODEL_DIR/model.safetensors ]]; then
    run_engine semantic
else
    echo "  semantic: model not installed (rapport model install), skipped"
fi
