// Debian's headless Chromium as the end-to-end tests launch it: $CHROMIUM or
// /usr/bin/chromium, with the flags a container without a display needs.
//
// Options: `fakeMicrophone`, the path of a WAV file that Chromium plays, looped, as the
// microphone, with every request to use it granted (no prompt).
import { chromium } from "playwright-core";

export function launch({ fakeMicrophone } = {}) {
  const args = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ];
  if (fakeMicrophone) {
    args.push(
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${fakeMicrophone}`,
    );
  }
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args });
}
