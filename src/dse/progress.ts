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

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
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
