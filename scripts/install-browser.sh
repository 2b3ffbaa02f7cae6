#!/usr/bin/env bash
# Installs what the browser tests need, idempotently: Debian's Chromium, Node.js when
# missing, espeak-ng (the voice tests speak answers with it: into Chromium's fake
# microphone, and to the transcription endpoint), opus-tools (opusenc makes the Ogg/Opus
# recording the endpoint's test sends), and playwright-core (pinned in
# e2e/package-lock.json) to drive Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v opusenc >/dev/null || need+=(opus-tools)
if ((${#need[@]})); then
    echo "installing ${need[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [[ ! -f e2e/node_modules/playwright-core/package.json || ! -f e2e/node_modules/axe-core/axe.min.js ]]; then
    echo "installing playwright-core and axe-core into e2e/node_modules"
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
