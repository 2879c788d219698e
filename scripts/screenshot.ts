// Screenshot a written report with headless Chromium (playwright-core, a dev dependency: import this file
// directly, it is deliberately not re-exported from index.ts). Used by the example script and
// the browser test; nothing else in aimcsim needs a browser.
import { chromium } from "playwright-core";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { AimcsimError } from "../src/errors.ts";

/** Chromium flags for a sandbox-less, network-quiet headless run. */
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Chromium executables looked for on the PATH (Debian's chromium, Ubuntu's chromium-browser, Chrome). */
const CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

/** The Chromium binary: $AIMCSIM_CHROMIUM, else the first of CHROMIUM_NAMES on the PATH, else the browser that
 *  `npx playwright-core install chromium` downloads; undefined when there is none (never a path that does not
 *  exist: a caller skips or says what to install). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AIMCSIM_CHROMIUM) return existsSync(env.AIMCSIM_CHROMIUM) ? env.AIMCSIM_CHROMIUM : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const name of CHROMIUM_NAMES) if (isExecutable(join(dir, name))) return join(dir, name);
  }
  let managed: string | undefined;
  try {
    managed = chromium.executablePath();
  } catch {
    managed = undefined;
  }
  return managed && existsSync(managed) ? managed : undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** What to install when findChromium() finds nothing. */
export const CHROMIUM_HINT = "install Chromium (Debian: apt-get install chromium), or set AIMCSIM_CHROMIUM to a Chromium binary";

/** The Chromium binary, or an IoError saying what to install. */
export function chromiumPath(): string {
  const exe = findChromium();
  if (exe === undefined) throw new AimcsimError("IoError", process.env.AIMCSIM_CHROMIUM ?? "chromium", `Chromium not found: ${CHROMIUM_HINT}`);
  return exe;
}

export interface PageCheck {
  readonly consoleErrors: readonly string[];
  /** Requests to anything other than file: or data: URLs (a self-contained page makes none). */
  readonly externalRequests: readonly string[];
}

/** Open `htmlPath`, write a full-page PNG to `pngPath`, report console errors and external requests. */
export async function screenshotReport(htmlPath: string, pngPath: string, opts: { readonly width?: number } = {}): Promise<PageCheck> {
  const exe = chromiumPath();
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: opts.width ?? 1100, height: 900 } });
    const consoleErrors: string[] = [];
    const externalRequests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("request", (r) => {
      if (!/^(file|data):/.test(r.url())) externalRequests.push(r.url());
    });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
    await page.screenshot({ path: pngPath, fullPage: true });
    return { consoleErrors, externalRequests };
  } finally {
    await browser.close();
  }
}
