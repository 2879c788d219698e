// Runs once before the suite: one visible line when tests will be skipped for a missing external tool, and a
// failed run in CI (CI=true), where .ci/run installs every tool and nothing may be skipped for a missing one.
import { inCI, tools } from "./tools.ts";

export default function setup(): void {
  const missing = tools.filter((t) => !t.available);
  if (missing.length === 0) return;
  const what = missing.map((t) => `${t.tests} needs ${t.name}: ${t.install}`).join("; ");
  if (inCI) throw new Error(`CI=true and a tool the tests need is missing (.ci/run installs them): ${what}`);
  console.log(`\nskipping tests for missing tools: ${what}\n`);
}
