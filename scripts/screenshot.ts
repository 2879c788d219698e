// Screenshot a written report with headless Chromium (playwright-core, a dev dependency: import this file
// directly, it is deliberately not re-exported from index.ts). Used by the example script and
// the browser test; nothing else in aimcsim needs a browser.
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { AimcsimError } from "../src/errors.ts";

/** Chromium flags for a sandbox-less, network-quiet headless run. */
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** The Chromium binary: $AIMCSIM_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.AIMCSIM_CHROMIUM ?? "/usr/bin/chromium";
}

export interface PageCheck {
  readonly consoleErrors: readonly string[];
  /** Requests to anything other than file: or data: URLs (a self-contained page makes none). */
  readonly externalRequests: readonly string[];
}

/** Open `htmlPath`, write a full-page PNG to `pngPath`, report console errors and external requests. */
export async function screenshotReport(htmlPath: string, pngPath: string, opts: { readonly width?: number } = {}): Promise<PageCheck> {
  const exe = chromiumPath();
  if (!existsSync(exe)) throw new AimcsimError("IoError", exe, "Chromium not found (set AIMCSIM_CHROMIUM to its path)");
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
