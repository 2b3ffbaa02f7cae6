// Answering out loud in Debian's headless Firefox ESR, driven over WebDriver BiDi by
// puppeteer-core, against a real `rapport serve` that has the speech model, started by
// crates/rapport/tests/cli.rs:
//   node e2e/voice-firefox.mjs BASE_URL GUIDE_ID SPEECH_WAV RECORD_SECONDS OUT_DIR "SPOKEN TEXT"
// Firefox has no flag to play a file as the microphone, so the script starts a private
// PulseAudio server whose only source is a null sink that paplay plays the WAV into,
// looped, and Firefox records that (every request to use it granted, no prompt).
// On the practice page at 390 px, twice: as the page records in Firefox (Opus in WebM),
// and in Ogg, as the page records where the browser offers no WebM (the Ogg case hides
// it from MediaRecorder.isTypeSupported). Each time: type a sentence, press Record, see
// the level meter move and the clock run, press Stop, see POST /api/transcribe carry the
// recording with its media type and answer 200, and find most of the spoken words in the
// box after the typed sentence. What was sent is saved as OUT_DIR/recording.webm and
// OUT_DIR/recording.ogg, screenshots as OUT_DIR/firefox-*.png.
// Exits non-zero, naming each step that failed.
import puppeteer from "puppeteer-core";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, guide, wav, recordSeconds, outDir, spoken] = process.argv.slice(2);
if (!base || !guide || !wav || !recordSeconds || !outDir || !spoken) {
  console.error('usage: node voice-firefox.mjs BASE_URL GUIDE_ID SPEECH_WAV RECORD_SECONDS OUT_DIR "SPOKEN TEXT"');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const TYPED = "Here is how it went.";
// Debug builds transcribe at about real time on two cores; this leaves room.
const TRANSCRIBE_MS = 180_000;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
// The long words of what was said, which a transcript should mostly hold.
const words = (text) => new Set(text.toLowerCase().match(/[a-z]{5,}/g) || []);

const failures = [];
let step = "starting the microphone (PulseAudio)";
const pulseDir = mkdtempSync(join(tmpdir(), "rapport-pulse-"));
const env = { ...process.env, PULSE_SERVER: `unix:${pulseDir}/native` };
let pulse = null;
let player = null;
let playing = true;
let browser = null;

try {
  writeFileSync(join(pulseDir, "default.pa"), [
    `load-module module-native-protocol-unix socket=${pulseDir}/native auth-anonymous=1`,
    "load-module module-null-sink sink_name=mic",
    "set-default-source mic.monitor",
    "",
  ].join("\n"));
  const pulseFailed = new Promise((_, fail) => {
    pulse = spawn("pulseaudio", ["-n", "-F", join(pulseDir, "default.pa"), "--daemonize=no",
      "--exit-idle-time=-1", "--use-pid-file=no"], {
      // Its cookie and runtime files stay in the temporary folder.
      env: { ...env, HOME: pulseDir, XDG_RUNTIME_DIR: pulseDir },
      stdio: "ignore",
    });
    pulse.on("error", (e) => fail(new Error(`pulseaudio: ${e.message} (scripts/install-browser.sh installs it)`)));
    pulse.on("exit", (code) => fail(new Error(`pulseaudio exited with ${code}`)));
  });
  pulseFailed.catch(() => {});
  const listening = (async () => {
    for (let i = 0; i < 100 && !existsSync(join(pulseDir, "native")); i++) await sleep(100);
    if (!existsSync(join(pulseDir, "native"))) throw new Error("pulseaudio never listened");
  })();
  await Promise.race([listening, pulseFailed]);
  const play = () => {
    player = spawn("paplay", ["-d", "mic", wav], { env, stdio: "ignore" });
    player.on("error", (e) => failures.push(`${step}: paplay: ${e.message}`));
    player.on("exit", (code) => playing && code === 0 && play());
  };
  play();

  step = "starting Firefox";
  browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
    headless: true,
    env,
    extraPrefsFirefox: { "media.navigator.permission.disabled": true },
  });

  // A case may be recorded twice: on a loaded machine (CI runs other tests beside this
  // one) Firefox's PulseAudio capture can starve and record near silence. A second take
  // is said on the output, and a case that hears too little twice fails.
  const cases = [false, true];
  const takes = new Map();
  while (cases.length) {
    const ogg = cases.shift();
    const kind = ogg ? "ogg" : "webm";
    takes.set(kind, (takes.get(kind) || 0) + 1);
    step = `the recorder is shown (${kind})`;
    const page = await browser.newPage();
    page.on("pageerror", (e) => failures.push(`${step}: page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") failures.push(`${step}: console error: ${m.text()}`);
    });
    await page.setViewport({ width: 390, height: 844 });
    await page.evaluateOnNewDocument((ogg) => {
      if (ogg) {
        const offered = MediaRecorder.isTypeSupported.bind(MediaRecorder);
        MediaRecorder.isTypeSupported = (type) => !type.startsWith("audio/webm") && offered(type);
      }
      // Keeps what the page sends, to save it.
      const send = window.fetch;
      window.fetch = function (url, init) {
        if (init && init.body instanceof Blob) window.__sent = init.body;
        return send.apply(this, arguments);
      };
    }, ogg);
    await page.goto(`${base}/practice/${guide}`);
    await page.waitForSelector("#voice:not([hidden])");
    const micReady = await page.$eval("#mic", (b) => !b.disabled && b.getAttribute("aria-pressed") === "false");
    if (!micReady) failures.push(`${step}: #mic is not ready: ${await page.$eval("#voice-status", (e) => e.textContent)}`);
    // fill, not type: the page may have kept the last case's answer as a draft.
    await page.locator("#answer").fill(TYPED);

    step = `recording (${kind})`;
    await page.click("#mic");
    await page.waitForSelector("#mic[aria-pressed='true']", { timeout: 15000 });
    await page.waitForFunction(() => document.getElementById("voice-level").value > 0.2, { timeout: 10000 })
      .catch(() => failures.push(`${step}: the level meter never moved`));
    await sleep(Number(recordSeconds) * 1000);
    const shown = await page.$eval("#voice-clock", (e) => e.textContent);
    if (!/^\d+:\d\d$/.test(shown) || shown === "0:00") failures.push(`${step}: the clock shows ${shown}`);

    step = `sending the recording (${kind})`;
    const answered = page.waitForResponse(
      (r) => r.url().endsWith("/api/transcribe") && r.request().method() === "POST", { timeout: TRANSCRIBE_MS });
    await page.click("#mic");
    const response = await answered;
    const type = response.request().headers()["content-type"] || "";
    if (!type.startsWith(`audio/${kind}`)) failures.push(`${step}: sent as ${JSON.stringify(type)}`);
    const sent = await page.evaluate(async () => {
      const bytes = new Uint8Array(await window.__sent.arrayBuffer());
      let text = "";
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    });
    writeFileSync(join(outDir, `recording.${kind}`), Buffer.from(sent, "base64"));
    if (response.status() !== 200) {
      failures.push(`${step}: HTTP ${response.status()}: ${await response.text()} (the recording is in ${outDir})`);
    }

    step = `the transcript is in the box after the typed sentence (${kind})`;
    await page.waitForFunction(() => !document.getElementById("voice").hasAttribute("aria-busy"), { timeout: 15000 });
    const said = await page.$eval("#voice-status", (e) => e.textContent);
    const box = await page.$eval("#answer", (e) => e.value);
    if (!said.includes("added after what you had written")) failures.push(`${step}: the status says ${JSON.stringify(said)}`);
    if (!box.startsWith(`${TYPED} `)) failures.push(`${step}: the box starts ${JSON.stringify(box.slice(0, 60))}`);
    const expected = [...words(spoken)];
    const heard = words(box.slice(TYPED.length));
    const found = expected.filter((w) => heard.has(w));
    if (expected.length < 6 || found.length < Math.max(6, expected.length / 2)) {
      const heardLittle = `${step}: ${found.length} of ${expected.length} spoken words: ${JSON.stringify(box)}`;
      if (takes.get(kind) === 1 && expected.length >= 6) {
        console.log(`take 1 heard little, recording again: ${heardLittle}`);
        cases.unshift(ogg);
      } else {
        failures.push(heardLittle);
      }
    }
    await page.screenshot({ path: join(outDir, `firefox-${kind}.png`) });
    await page.close();
  }
} catch (e) {
  failures.push(`${step}: ${e.message.split("\n")[0]}`);
} finally {
  playing = false;
  if (browser) await browser.close();
  player?.kill();
  pulse?.kill();
  rmSync(pulseDir, { recursive: true, force: true });
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("ok");
