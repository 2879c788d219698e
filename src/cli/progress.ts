// Progress of a long command on stderr: a bar rewritten in place with done/total and ETA when stderr is a
// terminal; otherwise (a log file, CI) one plain line every 10 s, so a long run is never silent.
import { formatDuration } from "../dse/progress.ts";
import { processIo, type Io } from "./io.ts";

export interface ProgressSink {
  readonly tty: boolean;
  write(text: string): void;
}

/** Where a command's progress goes: the real stderr for the process's own Io, else the Io's err (no TTY). */
export function progressSink(io: Io): ProgressSink {
  if (io === processIo) return { tty: process.stderr.isTTY === true, write: (t) => void process.stderr.write(t) };
  return { tty: false, write: (t) => io.err(t.replace(/\n$/, "")) };
}

export class ProgressBar {
  private readonly started: number;
  private last = 0;
  private drawn = false;
  private done = 0;
  /** The first progress reported (time, count): the ETA comes from the rate since then, so set-up work done
   *  before the first report (building a task graph, tokenising) does not inflate it. */
  private firstAt = 0;
  private firstDone = 0;

  private readonly everyMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly label: string,
    private total: number,
    private readonly sink: ProgressSink,
    opts: { readonly everyMs?: number; readonly clock?: () => number } = {},
  ) {
    this.everyMs = opts.everyMs ?? (sink.tty ? 200 : 10_000);
    this.clock = opts.clock ?? Date.now;
    this.started = this.last = this.clock();
  }

  /** The line as shown: `label [#####-----] 12/40 (30%) 0:42 elapsed, ETA 1m05s`. */
  line(now = this.clock()): string {
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const elapsedS = (now - this.started) / 1000;
    const rateS = this.firstAt > 0 && now > this.firstAt && this.done > this.firstDone ? (this.done - this.firstDone) / ((now - this.firstAt) / 1000) : 0;
    const eta = this.done >= this.total ? "0s" : rateS > 0 ? formatDuration((this.total - this.done) / rateS) : "--";
    const width = 20;
    const bar = this.sink.tty ? ` [${"#".repeat(Math.round(frac * width)).padEnd(width, "-")}]` : "";
    return `${this.label}${bar} ${this.done}/${this.total} (${Math.floor(frac * 100)}%), ${formatDuration(elapsedS)} elapsed, ETA ${eta}`;
  }

  /** Set progress (and optionally a corrected total); draws at most every `everyMs`. */
  update(done: number, total?: number): void {
    const now = this.clock();
    if (this.firstAt === 0) [this.firstAt, this.firstDone] = [now, done];
    this.done = done;
    if (total !== undefined) this.total = total;
    if (now - this.last < this.everyMs) return;
    this.last = now;
    this.draw(now);
  }

  private draw(now: number): void {
    if (this.sink.tty) this.sink.write(`\r\x1b[2K${this.line(now)}`);
    else this.sink.write(`${this.line(now)}\n`);
    this.drawn = true;
  }

  /** Clears the bar on a terminal (the command prints its own result); nothing otherwise. */
  end(): void {
    if (this.sink.tty && this.drawn) this.sink.write("\r\x1b[2K");
  }
}
