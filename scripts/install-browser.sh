#!/usr/bin/env bash
# Installs what the browser tests need, idempotently: Debian's Chromium and Firefox ESR,
# Node.js when missing, espeak-ng (the voice tests speak answers with it: into Chromium's
# fake microphone, into Firefox's through PulseAudio, and to the transcription endpoint),
# PulseAudio (a private server is Firefox's microphone; paplay plays into it), opus-tools
# (opusenc makes the Ogg/Opus recording the endpoint's test sends), playwright-core to
# drive Chromium and puppeteer-core to drive Firefox over WebDriver BiDi (both pinned in
# e2e/package-lock.json; neither downloads a browser).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v firefox-esr >/dev/null || need+=(firefox-esr)
command -v pulseaudio >/dev/null || need+=(pulseaudio)
command -v paplay >/dev/null || need+=(pulseaudio-utils)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v opusenc >/dev/null || need+=(opus-tools)
if ((${#need[@]})); then
    echo "installing ${need[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [[ ! -f e2e/node_modules/playwright-core/package.json || ! -f e2e/node_modules/axe-core/axe.min.js ||
    ! -f e2e/node_modules/puppeteer-core/package.json ]]; then
    echo "installing playwright-core, puppeteer-core and axe-core into e2e/node_modules"
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
