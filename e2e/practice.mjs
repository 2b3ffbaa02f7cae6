// End-to-end test of the practice page in Debian's headless Chromium, driven by
// playwright-core. Run by crates/rapport/tests/cli.rs against a real `rapport serve`:
//   node e2e/practice.mjs http://127.0.0.1:PORT OUT_DIR
// Exits non-zero, naming the step that failed, when the page does not behave.
import { launch } from "./browser.mjs";
import { mkdirSync } from "node:fs";

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error("usage: node practice.mjs BASE_URL OUT_DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const QUESTION = "difficult-customer";
const MARKUP = "<b id=\"injected\">bold</b>";
const ANSWER = [
  "Last winter I worked the front desk of a city hotel, and a guest arrived at midnight to find his booked suite had been given away.",
  "He was furious and said he would never stay with us again.",
  "I listened without interrupting, apologised for the mix-up and told him I would fix it before he went to bed.",
  "I moved him to a larger room on a quiet floor, had the kitchen send up a late supper and waived the first night.",
  `He even wrote ${MARKUP} in his review.`,
  "The next morning he thanked me at checkout, and he has booked with us four times since.",
].join(" ");

let step = "launching Chromium";
const browser = await launch();
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") failures.push(`console error: ${m.text()}`); });
  page.on("dialog", (d) => { failures.push(`a dialog opened: ${d.message()}`); d.dismiss(); });

  step = "opening the practice page";
  await page.goto(`${base}/practice/${QUESTION}`);
  await page.waitForSelector("#answer");
  await page.waitForSelector("#checklist li[data-step='situation'][data-met='false']");

  // The scene alone is found at once, begun (◐) until the answer as a whole is strong
  // enough for it to count, then met (✓).
  step = "typing an answer and seeing a step tick in the live checklist";
  await page.click("#answer");
  await page.keyboard.type(ANSWER.slice(0, 140), { delay: 5 });
  await page.waitForSelector("#checklist li[data-step='situation']:is([data-met='begun'], [data-met='true'])", { timeout: 10000 });
  await page.keyboard.type(ANSWER.slice(140), { delay: 1 });
  step = "the whole answer typed: the scene counts";
  await page.waitForSelector("#checklist li[data-step='situation'][data-met='true']", { timeout: 10000 });

  step = "submitting and seeing the evidence highlighted";
  await page.click("#submit");
  await page.waitForSelector(".card mark.evidence", { timeout: 10000 });
  const marks = await page.locator(".card mark.evidence").count();
  if (marks < 2) failures.push(`only ${marks} highlighted evidence spans`);
  if ((await page.locator("#injected").count()) !== 0) failures.push("answer markup was rendered as HTML");
  if (!(await page.locator(".card").innerText()).includes("<b id=\"injected\">")) {
    failures.push("answer markup was not shown as text");
  }
  const card = page.locator(".card").first();
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: `${outDir}/feedback-card.png` });
  await page.screenshot({ path: `${outDir}/practice-page.png`, fullPage: true });

  step = "finding the attempt in history";
  await page.goto(`${base}/history`);
  const row = page.locator(".attempt", { hasText: "front desk of a city hotel" });
  await row.first().waitFor({ timeout: 5000 });
  await page.screenshot({ path: `${outDir}/history.png`, fullPage: true });
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
