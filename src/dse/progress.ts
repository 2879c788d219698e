// The progress line of a running sweep: done/total, points/s (evaluated, not reused) and ETA, on stderr.
// Rewritten in place (\r) on a TTY; when asked for on a non-TTY, one line every few seconds.

export interface Progress {
  readonly done: number;
  readonly total: number | undefined;
  readonly evaluated: number;
  readonly reused: number;
  readonly failed: number;
  readonly pointsPerS: number;
  readonly etaS: number | undefined;
}

export function formatProgress(name: string, p: Progress): string {
  const total = p.total === undefined ? "?" : String(p.total);
  const eta = p.etaS === undefined || !Number.isFinite(p.etaS) ? "--" : formatDuration(p.etaS);
  const extra = `${p.reused ? `, ${p.reused} reused` : ""}${p.failed ? `, ${p.failed} failed` : ""}`;
  return `${name}: ${p.done}/${total} points  ${p.pointsPerS.toFixed(1)} pt/s  ETA ${eta}${extra}`;
}

/** 42s, 1m05s, 2h03m. Rounded up to whole seconds first, then split (119.5 s is 2m00s, never "1m60s");
 *  above an hour, whole minutes (rounded down). */
export function formatDuration(s: number): string {
  const t = Math.max(0, Math.ceil(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, "0")}s`;
  const m = Math.floor(t / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export class ProgressLine {
  private last = 0;
  private readonly tty: boolean;
  private printed = false;
  constructor(
    private readonly name: string,
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = !!stream.isTTY;
  }

  update(p: Progress, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    const every = this.tty ? 200 : 5000;
    if (!force && now - this.last < every) return;
    this.last = now;
    const line = formatProgress(this.name, p);
    if (this.tty) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
    this.printed = true;
  }

  end(p: Progress): void {
    if (!this.enabled) return;
    this.update(p, true);
    if (this.tty && this.printed) this.stream.write("\n");
  }
}
