// End-to-end test of the practice loop in Debian's headless Chromium, driven by
// playwright-core, against a real `rapport serve` started by crates/rapport/tests/cli.rs:
//   node e2e/loop.mjs http://127.0.0.1:PORT OUT_DIR
// 1. Retry by editing: the last answer is in the box, the next card shows the diff and
//    what made the most difference.
// 2. A restart between loading the page and submitting it: the script prints
//    "RESTART" and waits for a line on standard input (the test restarts the server on
//    the same port, then writes the line); the answer is kept and sends again.
// 3. 390 px: the live checklist is in the viewport while the box has focus.
// 4. Dark mode from prefers-color-scheme.
// 5. axe-core on every page, light and dark, 1280 and 390 px: no violations.
// Exits non-zero, naming each step that failed. Screenshots land in OUT_DIR.
import { launch } from "./browser.mjs";
import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error("usage: node loop.mjs BASE_URL OUT_DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const QUESTION = "difficult-customer";
const FIRST = "Last winter a guest at the hotel where I work arrived at midnight to find that his " +
  "booked room had been given away. He was furious. I listened, apologised and moved him to a " +
  "larger room on a quiet floor.";
const ADDED = " The next morning he thanked me at checkout, and he has booked with us four times since.";

const browser = await launch();
const failures = [];
let step = "starting";

// A fresh page at this size and colour scheme, failing on script errors.
// (axe is injected as a script, which the pages' Content-Security-Policy would refuse.)
async function open(width, colorScheme = "light", bypassCSP = false) {
  const page = await browser.newPage({ viewport: { width, height: 844 }, colorScheme, bypassCSP });
  page.on("pageerror", (e) => failures.push(`${step}: page error: ${e.message}`));
  page.on("dialog", (d) => d.accept());
  return page;
}

// axe-core on the page as it is now (the page must have been opened with bypassCSP).
async function axe(page, where) {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  for (const v of found) failures.push(`axe on ${where}: ${v}`);
}

async function submitAndWait(page) {
  await Promise.all([page.waitForURL(/\/attempts\/\d+/, { timeout: 15000 }), page.click("#submit")]);
}

const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once("line", resolve));

try {
  // 1. Retry by editing.
  step = "a first answer";
  let page = await open(1280);
  await page.goto(`${base}/practice/${QUESTION}`);
  await page.fill("#answer", FIRST);
  await submitAndWait(page);
  step = "retry by editing: the last answer starts in the box";
  await page.click("text=Edit this answer and try again");
  await page.waitForSelector("#editing");
  const prefilled = await page.inputValue("#answer");
  if (prefilled.trim() !== FIRST) failures.push(`${step}: the box holds ${JSON.stringify(prefilled)}`);
  step = "retry by editing: adding the result";
  await page.click("#answer");
  await page.keyboard.press("End");
  await page.keyboard.press("Control+End");
  await page.keyboard.type(ADDED, { delay: 1 });
  await submitAndWait(page);
  step = "retry by editing: the card shows the difference";
  const inserted = await page.locator(".diff ins").allInnerTexts();
  if (!inserted.join(" ").includes("booked with us")) failures.push(`${step}: inserted ${JSON.stringify(inserted)}`);
  const biggest = await page.locator(".biggest").innerText();
  if (!biggest.includes("booked with us")) failures.push(`${step}: biggest change ${JSON.stringify(biggest)}`);
  if (!(await page.locator(".change-steps").innerText()).includes("step gained")) {
    failures.push(`${step}: no step gained`);
  }
  await page.locator(".change").screenshot({ path: `${outDir}/retry-change.png` });
  const attemptUrl = page.url();
  await page.close();

  // 2. A restart between loading the page and submitting it.
  step = "restart: loading the page and typing";
  page = await open(1280, "light", true);
  await page.goto(`${base}/practice/${QUESTION}`);
  await page.fill("#answer", `${FIRST}${ADDED}`);
  console.log("RESTART");
  await nextLine();
  step = "restart: submitting after the restart";
  await page.click("#submit");
  await page.waitForSelector(".refused", { timeout: 15000 });
  const kept = await page.inputValue("textarea[name=answer]");
  if (kept.trim() !== `${FIRST}${ADDED}`.trim()) failures.push(`${step}: the answer was not kept`);
  if ((await page.locator("body").innerText()).includes("bad_csrf_token")) {
    failures.push(`${step}: JSON shown to a person`);
  }
  await page.screenshot({ path: `${outDir}/restart-refused.png`, fullPage: true });
  await axe(page, "the refusal page");
  step = "restart: sending it again";
  await Promise.all([page.waitForURL(/\/attempts\/\d+/, { timeout: 15000 }), page.click("button:has-text('Send again')")]);
  await page.waitForSelector(".card");
  await page.close();

  // 3. 390 px: the checklist in view while typing.
  step = "390 px: the checklist in view while the box has focus";
  page = await open(390);
  await page.goto(`${base}/practice/${QUESTION}`);
  await page.click("#answer");
  await page.keyboard.type(FIRST, { delay: 1 });
  await page.waitForSelector("#checklist li[data-step='situation']:is([data-met='begun'], [data-met='true'])", { timeout: 10000 });
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "answer") failures.push(`${step}: focus is on ${focused}`);
  const inView = await page.evaluate(() => {
    const list = document.getElementById("checklist").getBoundingClientRect();
    const box = document.getElementById("answer").getBoundingClientRect();
    return { top: list.top, bottom: list.bottom, boxTop: box.top, height: window.innerHeight };
  });
  if (inView.top < 0 || inView.bottom > inView.height) failures.push(`${step}: checklist at ${JSON.stringify(inView)}`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 390) failures.push(`${step}: the page is ${wide} px wide`);
  await page.screenshot({ path: `${outDir}/practice-390.png` });
  await page.close();

  // 3b. Timed practice at 390 px: the clock rides in the checklist's bar, in view.
  step = "390 px timed: the clock in view while typing";
  page = await open(390);
  await page.goto(`${base}/practice/${QUESTION}?timed=1`);
  await page.click("#answer");
  await page.keyboard.type(FIRST.slice(0, 120), { delay: 1 });
  const clock = await page.evaluate(() => {
    const r = document.getElementById("timer").getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: window.innerHeight };
  });
  if (clock.top < 0 || clock.bottom > clock.height) failures.push(`${step}: clock at ${JSON.stringify(clock)}`);
  await page.close();

  // 3c. A mock interview: the follow-up is asked live, and the reply counts.
  step = "mock: starting a one-question interview";
  page = await open(1280, "light", true);
  await page.goto(`${base}/mock`);
  await page.selectOption("#count", "1");
  await Promise.all([page.waitForURL(/\/mock\/[^/]+\/1$/, { timeout: 15000 }), page.click("button:has-text('Start the interview')")]);
  await axe(page, "a mock question");
  step = "mock: a thin answer gets the interviewer's follow-up";
  await page.fill("#answer", "I always try my best with customers. People like it when you are friendly and patient.");
  await Promise.all([page.waitForURL(/\/follow-up$/, { timeout: 15000 }), page.click("form.mock-form button[type=submit]")]);
  const asked = await page.locator("h1").innerText();
  if (!asked.includes("The interviewer asks:")) failures.push(`${step}: the page asks ${JSON.stringify(asked)}`);
  await page.screenshot({ path: `${outDir}/mock-follow-up.png`, fullPage: true });
  await axe(page, "the mock follow-up");
  step = "mock: the reply is added and the report shows it";
  await page.fill("#reply", "Last month a customer came back to thank me, and she has ordered every week since.");
  await Promise.all([page.waitForURL(/\/report$/, { timeout: 15000 }), page.click("button:has-text('Reply and go on')")]);
  if (!(await page.locator("body").textContent()).includes("ordered every week since")) {
    failures.push(`${step}: the reply is not in the report`);
  }
  const mockReport = new URL(page.url()).pathname;
  await page.close();

  // 3d. Pages that only exist after a form: a scorecard, and the matches for your own
  // questions (axe runs on them below, with the rest).
  step = "a scorecard for the axe run";
  page = await open(1280);
  await page.goto(`${base}/scorecards/new`);
  await page.fill("#candidate", "Sam Example");
  await page.selectOption("#guide", QUESTION);
  await page.fill("#answer", `${FIRST}${ADDED}`);
  await Promise.all([page.waitForURL(/\/scorecards\/\d+$/, { timeout: 15000 }), page.click("button:has-text('Score the answer')")]);
  const scorecard = new URL(page.url()).pathname;
  await page.close();

  // 4. Dark mode.
  step = "dark mode";
  page = await open(1280, "dark");
  await page.goto(attemptUrl);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const channels = (background.match(/\d+/g) || []).slice(0, 3).map(Number);
  if (channels.length < 3 || channels.reduce((a, b) => a + b, 0) > 3 * 80) {
    failures.push(`${step}: the page background is ${background}`);
  }
  await page.screenshot({ path: `${outDir}/attempt-dark.png`, fullPage: true });
  await page.close();

  // 5. axe-core on every page.
  const paths = ["/", `/questions/${QUESTION}`, `/practice/${QUESTION}`, `/practice/${QUESTION}?timed=1`,
    new URL(attemptUrl).pathname, "/ask", "/history", `/history/${QUESTION}`, "/mock", "/scorecards",
    "/no-such-page", mockReport, "/scorecards/new", "/history/clear", scorecard];
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [1280, 390]) {
      page = await open(width, colorScheme, true);
      for (const path of paths) {
        step = `axe on ${path} (${colorScheme}, ${width} px)`;
        await page.goto(`${base}${path}`);
        await axe(page, `${path} (${colorScheme}, ${width} px)`);
      }
      step = `axe on /ask with matches (${colorScheme}, ${width} px)`;
      await page.goto(`${base}/ask`);
      await page.fill("#questions", "How do you calm down an angry caller?\nWhy should we hire you?");
      await Promise.all([page.waitForLoadState("load"), page.click("button:has-text('Find the guides')")]);
      await page.waitForSelector("#matches-h");
      await axe(page, `/ask with matches (${colorScheme}, ${width} px)`);
      await page.close();
    }
  }
} catch (e) {
  failures.push(`${step}: ${e.message.split("\n")[0]}`);
} finally {
  lines.close();
  await browser.close();
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("ok");
