// External tools some tests need (not npm packages): Chromium for the browser test, redis-server for the
// distributed sweep tests. On a developer's machine a missing tool skips those tests, and test/global-setup.ts
// prints one line saying what to install; in CI (CI=true) nothing is skipped and a missing tool fails the run.
import { spawnSync } from "node:child_process";
import { CHROMIUM_HINT, findChromium } from "../scripts/screenshot.ts";

export const inCI = process.env.CI === "true";

export interface Tool {
  readonly name: string;
  readonly available: boolean;
  /** The tests that need it. */
  readonly tests: string;
  readonly install: string;
}

export const chromiumExe = findChromium();
export const redisAvailable = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

export const tools: readonly Tool[] = [
  { name: "Chromium", available: chromiumExe !== undefined, tests: "test/report/browser.test.ts", install: CHROMIUM_HINT },
  { name: "redis-server", available: redisAvailable, tests: "the distributed-runner tests (test/dse/redis*.test.ts, one in test/hardening/untrusted.test.ts)", install: "install redis-server (Debian: apt-get install redis-server)" },
];

/** Skip a tool's tests: only when it is missing and this is not CI. */
export const skipWithout = (available: boolean): boolean => !available && !inCI;
