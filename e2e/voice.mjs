// End-to-end test of answering out loud, in Debian's headless Chromium whose fake
// microphone plays a WAV file (looped), against a real `rapport serve` that has the speech
// model, started by crates/rapport/tests/cli.rs:
//   node e2e/voice.mjs BASE_URL GUIDE_ID SPEECH_WAV RECORD_SECONDS OUT_DIR "SPOKEN TEXT"
// 1. On the practice page at 390 px: type a first sentence, press Record, see the clock
//    run and the level meter move, stop with the keyboard, see "Transcribing on this
//    computer…", and find the transcript after the typed sentence (it holds most of the
//    spoken words), the delivery heard, the pace in the form and the checklist rescored;
//    axe-core finds nothing; scoring it shows a card with a score and the pace.
// 2. The failures keep the typed answer and say what happened: the microphone refused,
//    a browser without MediaRecorder, the server's error; without JavaScript there is no
//    recorder, and a line says why.
// 3. The mock question page has the recorder too.
// Exits non-zero, naming each step that failed. Screenshots land in OUT_DIR.
import { launch } from "./browser.mjs";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [base, guide, wav, recordSeconds, outDir, spoken] = process.argv.slice(2);
if (!base || !guide || !wav || !recordSeconds || !outDir || !spoken) {
  console.error('usage: node voice.mjs BASE_URL GUIDE_ID SPEECH_WAV RECORD_SECONDS OUT_DIR "SPOKEN TEXT"');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
// axe-core is evaluated through the DevTools protocol, which the pages'
// Content-Security-Policy does not govern, so the page keeps its real policy.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const TYPED = "Here is how it went.";
// Debug builds transcribe at about real time on two cores; this leaves room.
const TRANSCRIBE_MS = 180_000;

const browser = await launch({ fakeMicrophone: wav });
const failures = [];
let step = "starting";

async function open(width, init) {
  const page = await browser.newPage({ viewport: { width, height: 844 }, colorScheme: "light" });
  page.on("pageerror", (e) => failures.push(`${step}: page error: ${e.message}`));
  page.on("console", (m) => {
    // The refusal the server's-error step fakes is logged as a failed load; it is meant.
    const meant = step === "the server's error" && m.text().startsWith("Failed to load resource");
    if (m.type() === "error" && !meant) failures.push(`${step}: console error: ${m.text()}`);
  });
  if (init) await page.addInitScript(init);
  return page;
}

async function axe(page, where) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  for (const v of found) failures.push(`axe on ${where}: ${v}`);
}

const status = (page) => page.locator("#voice-status").innerText();

// The long words of what was said, which a transcript should mostly hold.
const words = (text) => new Set(text.toLowerCase().match(/[a-z]{5,}/g) || []);

try {
  // 1. Recording, transcribing, scoring.
  step = "the recorder is shown";
  let page = await open(390);
  await page.goto(`${base}/practice/${guide}`);
  await page.waitForSelector("#voice:not([hidden])");
  if ((await page.getAttribute("#mic", "aria-pressed")) !== "false") failures.push(`${step}: #mic is pressed`);
  if (await page.isDisabled("#mic")) failures.push(`${step}: #mic is disabled: ${await status(page)}`);
  const notice = await page.locator("#voice-notice").innerText();
  if (!notice.includes("on this computer") || !notice.includes("never leaves it") || !notice.includes("is not kept")) {
    failures.push(`${step}: the notice says ${JSON.stringify(notice)}`);
  }

  step = "choosing to keep recordings";
  await page.goto(`${base}/settings`);
  await page.check("#keep_recordings");
  await Promise.all([page.waitForURL(/\/settings\?done=saved$/), page.click("button[type=submit] >> text=Save settings")]);
  if (!(await page.isChecked("#keep_recordings"))) failures.push(`${step}: the box is not ticked after saving`);
  await axe(page, "the settings page");
  await page.goto(`${base}/practice/${guide}`);
  await page.waitForFunction(() => document.getElementById("voice-keep").textContent.includes("is kept with your attempt"), null, { timeout: 5000 })
    .catch(async () => failures.push(`${step}: the notice says ${JSON.stringify(await page.locator("#voice-notice").innerText())}`));
  await page.fill("#answer", TYPED);

  step = "recording";
  await page.evaluate(() => {
    // Every text the status line shows, to see the passing "Transcribing…".
    window.__said = [];
    const line = document.getElementById("voice-status");
    new MutationObserver(() => window.__said.push(line.textContent)).observe(line, { childList: true, characterData: true, subtree: true });
  });
  await page.click("#mic");
  await page.waitForSelector("#mic[aria-pressed='true']", { timeout: 15000 });
  if ((await page.innerText("#mic")).trim() !== "Stop") failures.push(`${step}: the button says ${await page.innerText("#mic")}`);
  await page.waitForFunction(() => document.getElementById("voice-level").value > 0.2, null, { timeout: 10000 })
    .catch(() => failures.push(`${step}: the level meter never moved`));
  await page.locator("#voice").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${outDir}/recording-390.png` });
  await page.waitForTimeout(Number(recordSeconds) * 1000);
  const shown = await page.innerText("#voice-clock");
  if (!/^\d+:\d\d$/.test(shown) || shown === "0:00") failures.push(`${step}: the clock shows ${shown}`);

  step = "stopping with the keyboard";
  // The checklist is rescored with the transcript in the answer.
  const rescored = page.waitForResponse((r) => r.url().endsWith("/api/score") &&
    JSON.parse(r.request().postData() || "{}").answer.length > TYPED.length + 10, { timeout: TRANSCRIBE_MS + 15000 })
    .then((r) => r.json(), () => null);
  await page.focus("#mic");
  await page.keyboard.press("Space");
  // Done when the recorder is ready again, with or without a transcript.
  await page.waitForFunction(() => {
    const mic = document.getElementById("mic");
    return !document.getElementById("voice").hasAttribute("aria-busy") && !mic.disabled &&
      mic.getAttribute("aria-pressed") === "false";
  }, null, { timeout: TRANSCRIBE_MS });
  const said = await page.evaluate(() => window.__said);
  if (!said.includes("Transcribing on this computer…")) failures.push(`${step}: the status said ${JSON.stringify(said)}`);
  if ((await page.inputValue("#answer")).trim() === TYPED) {
    throw new Error(`no transcript; the status says ${JSON.stringify(await status(page))}`);
  }

  step = "the transcript is in the box after the typed sentence";
  const box = await page.inputValue("#answer");
  if (!box.startsWith(`${TYPED} `)) failures.push(`${step}: the box starts ${JSON.stringify(box.slice(0, 60))}`);
  const expected = [...words(spoken)];
  const heardWords = words(box.slice(TYPED.length));
  const found = expected.filter((w) => heardWords.has(w));
  if (expected.length < 6 || found.length < Math.max(6, expected.length / 2)) {
    failures.push(`${step}: ${found.length} of ${expected.length} spoken words: ${JSON.stringify(box)}`);
  }
  const heard = await page.locator("#voice-heard").innerText();
  if (!/\d+ words a minute/.test(heard) || !/pauses?/.test(heard) || !/fillers?/.test(heard)) {
    failures.push(`${step}: the delivery says ${JSON.stringify(heard)}`);
  }
  const wpm = Number(await page.inputValue("#wpm"));
  if (!(wpm > 60 && wpm < 400)) failures.push(`${step}: the wpm field holds ${wpm}`);
  if (!(await status(page)).includes("added after what you had written")) {
    failures.push(`${step}: the status says ${JSON.stringify(await status(page))}`);
  }
  if ((await page.getAttribute("#mic", "aria-pressed")) !== "false") failures.push(`${step}: #mic is still pressed`);
  const scored = await rescored.catch(() => null);
  if (!scored || typeof scored.score !== "number") {
    failures.push(`${step}: the checklist was not rescored with the transcript`);
  } else {
    await page.waitForFunction((score) => document.getElementById("live-score").textContent.includes(` ${score}/100`), scored.score, { timeout: 5000 })
      .catch(() => failures.push(`${step}: the checklist does not show the score ${scored.score}`));
  }
  await page.locator("#voice").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${outDir}/transcribed-390.png` });
  await axe(page, "the practice page with a transcript (390 px)");

  step = "scoring the spoken answer";
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/, { timeout: 30000 }), page.click("#submit")]);
  const card = await page.locator(".card").innerText();
  if (!/\d+\s*\/100/.test(card)) failures.push(`${step}: no score on the card: ${JSON.stringify(card.slice(0, 200))}`);
  const body = await page.locator("body").innerText();
  if (!body.includes(`${wpm} words a minute`)) failures.push(`${step}: no pace on the card page`);
  if (!/with \d+ pauses?/.test(body) || !/(no fillers|\d+ fillers?) heard/.test(body)) failures.push(`${step}: no pauses or fillers on the card page`);

  step = "the recording kept with the attempt";
  const players = page.locator("audio[controls]");
  if ((await players.count()) !== 1) {
    failures.push(`${step}: ${await players.count()} players on the attempt's page`);
  } else {
    const kept = await page.evaluate(async (src) => {
      const r = await fetch(src);
      return { status: r.status, type: r.headers.get("content-type"), size: (await r.arrayBuffer()).byteLength };
    }, await players.getAttribute("src"));
    if (kept.status !== 200 || !/^audio\/(webm|ogg)/.test(kept.type || "") || kept.size < 1000) {
      failures.push(`${step}: the recording came back as ${JSON.stringify(kept)}`);
    }
    const duration = await players.evaluate((a) => new Promise((done) => {
      if (a.readyState >= 1) return done(a.duration);
      a.addEventListener("loadedmetadata", () => done(a.duration));
      a.addEventListener("error", () => done(-1));
      a.preload = "metadata";
      a.load();
    }));
    if (!(duration > 0)) failures.push(`${step}: the browser cannot play it (duration ${duration})`);
    await page.locator("audio[controls]").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${outDir}/kept-390.png` });
  }
  await page.close();

  // 2. Failures keep what was typed.
  step = "the microphone refused";
  page = await open(1280, () => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
  });
  await page.goto(`${base}/practice/${guide}`);
  await page.fill("#answer", TYPED);
  await page.click("#mic");
  await page.waitForFunction(() => document.getElementById("voice-status").textContent.includes("microphone was refused"), null, { timeout: 5000 })
    .catch(async () => failures.push(`${step}: the status says ${JSON.stringify(await status(page))}`));
  if ((await page.inputValue("#answer")) !== TYPED) failures.push(`${step}: the typed answer changed`);
  if ((await page.getAttribute("#mic", "aria-pressed")) !== "false" || (await page.isDisabled("#mic"))) {
    failures.push(`${step}: the button is not ready to try again`);
  }
  await page.close();

  step = "a browser without MediaRecorder";
  page = await open(1280, () => {
    delete window.MediaRecorder;
  });
  await page.goto(`${base}/practice/${guide}`);
  if (!(await page.isDisabled("#mic"))) failures.push(`${step}: #mic is enabled`);
  if (!(await status(page)).includes("cannot record on the page")) failures.push(`${step}: the status says ${JSON.stringify(await status(page))}`);
  await page.close();

  step = "the server's error";
  page = await open(1280);
  await page.route("**/api/transcribe", (route) => route.fulfill({
    status: 422,
    contentType: "application/json",
    body: JSON.stringify({ error: "audio_silent", message: "the recording is silent: check the microphone" }),
  }));
  await page.goto(`${base}/practice/${guide}`);
  await page.fill("#answer", TYPED);
  await page.click("#mic");
  await page.waitForSelector("#mic[aria-pressed='true']", { timeout: 15000 });
  await page.waitForTimeout(1500);
  await page.click("#mic");
  await page.waitForFunction(() => document.getElementById("voice-status").textContent.startsWith("Not transcribed:"), null, { timeout: 15000 })
    .catch(() => {});
  const refusal = await status(page);
  if (refusal !== "Not transcribed: the recording is silent: check the microphone. Your answer is unchanged.") {
    failures.push(`${step}: the status says ${JSON.stringify(refusal)}`);
  }
  if ((await page.inputValue("#answer")) !== TYPED) failures.push(`${step}: the typed answer changed`);
  await page.close();

  step = "without JavaScript";
  page = await browser.newPage({ javaScriptEnabled: false });
  await page.goto(`${base}/practice/${guide}`);
  if (await page.isVisible("#voice")) failures.push(`${step}: the recorder is shown`);
  if (!(await page.locator("body").innerText()).includes("Answering out loud needs JavaScript")) {
    failures.push(`${step}: no word on why there is no recorder`);
  }
  await page.close();

  // 3. The mock interview's question page.
  step = "the mock question page has the recorder";
  page = await open(1280);
  await page.goto(`${base}/mock`);
  await page.selectOption("#count", "1");
  await Promise.all([page.waitForURL(/\/mock\/[^/]+\/1$/, { timeout: 15000 }), page.click("button:has-text('Start the interview')")]);
  await page.waitForSelector("#voice:not([hidden]) #mic:not([disabled])");
  await axe(page, "a mock question with the recorder");
  await page.close();
} catch (e) {
  failures.push(`${step}: ${e.message.split("\n")[0]}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("ok");
