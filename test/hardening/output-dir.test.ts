// Issue 13.1: `--report DIR` / `--out DIR` never destroys a user's files. A folder that aimcsim did not
// write (no marker) is refused before any simulation runs, with an IoError naming it; `--force` replaces
// it; the current folder is never replaced; report folders are readable by others.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";

const root = await mkdtemp(join(tmpdir(), "aimcsim-outdir-"));
afterAll(() => rm(root, { recursive: true, force: true }));

function capture() {
  const err: string[] = [];
  const out: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, err, out };
}
const small = ["run", "--chip", "hybrid-bitnet", "--model", "gpt2", "--prompt", "4", "--gen", "2"];

async function userFolder(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, "sub"), { recursive: true });
  await writeFile(join(dir, "thesis.tex"), "my thesis");
  await writeFile(join(dir, "sub", "data.csv"), "1,2\n");
  return dir;
}

async function intact(dir: string): Promise<void> {
  expect(await readFile(join(dir, "thesis.tex"), "utf8")).toBe("my thesis");
  expect(await readFile(join(dir, "sub", "data.csv"), "utf8")).toBe("1,2\n");
}

describe("output folders (--report, --out)", () => {
  it("run --report <user folder>: exit 1, one line naming the folder and --force, nothing deleted", async () => {
    const dir = await userFolder("u1");
    const c = capture();
    expect(await runCli([...small, "--report", dir], c.io)).toBe(1);
    expect(c.err.join("\n")).toMatch(new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}.*aimcsim did not write.*--force`));
    expect(c.err.join("\n").split("\n")).toHaveLength(1);
    expect(c.out).toEqual([]); // refused before simulating
    await intact(dir);
  });

  it("report <results> --out <user folder> is refused; with --force it is replaced", async () => {
    const dir = await userFolder("u2");
    const c = capture();
    expect(await runCli([...small, "--json"], c.io)).toBe(0);
    const results = join(root, "run.json");
    await writeFile(results, c.out.join("\n"));
    expect(await runCli(["report", results, "--out", dir], capture().io)).toBe(1);
    await intact(dir);
    expect(await runCli(["report", results, "--out", dir, "--force"], capture().io)).toBe(0);
    expect(await readdir(dir)).toContain("index.html");
    expect(await readdir(dir)).not.toContain("thesis.tex");
    // the folder is now an aimcsim output: replaced again without --force
    expect(await runCli(["report", results, "--out", dir], capture().io)).toBe(0);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
  });

  it("--report . and --out .. never touch the current folder (even with --force)", async () => {
    const here = await userFolder("u3");
    await mkdir(join(here, "inner"));
    const cwd = process.cwd();
    process.chdir(join(here, "inner"));
    try {
      for (const argv of [[...small, "--report", "."], [...small, "--report", "..", "--force"], ["start", "--out", "."]]) {
        const c = capture();
        expect(await runCli(argv, c.io)).toBe(1);
        expect(c.err.join("\n")).toMatch(/current folder/);
      }
    } finally {
      process.chdir(cwd);
    }
    await intact(here);
    expect((await stat(here)).mode & 0o777).not.toBe(0o700);
  });

  for (const cmd of [["amdahl", "--model", "gpt2", "--contexts", "8", "--report"], ["eval", "--tokens", "8", "--seeds", "1", "--report"], ["start", "--out"]]) {
    it(`${cmd[0]} refuses a user folder before doing any work`, async () => {
      const dir = await userFolder(`u-${cmd[0]}`);
      const c = capture();
      const t0 = Date.now();
      expect(await runCli([...cmd, dir], c.io)).toBe(1);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(c.err.join("\n")).toContain(dir);
      await intact(dir);
    });
  }
});
