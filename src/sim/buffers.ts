// Double buffers as task dependencies: a prefetch may start once one of the two buffers is free, i.e. once
// the consumer of the fetch two back has ended.

/** Digital projection weights stream from DRAM into a double buffer: the fetch of a weight waits for the
 *  compute two weights back. */
export class WeightDoubleBuffer {
  private readonly computes: number[] = [];

  /** Dependencies of the next weight fetch. */
  fetchDeps(): number[] {
    const c = this.computes;
    return c.length >= 2 ? [c[c.length - 2]!] : [];
  }

  /** The compute task that consumed the latest fetch. */
  consumed(task: number): void {
    this.computes.push(task);
  }
}

/**
 * Cached K/V is streamed into a double buffer: a layer's kv-read needs no data from the layer before it,
 * so it is issued as soon as the previous read finished and one of the two buffers is free (the attention
 * that consumed the read two back has ended). Reads thus prefetch one layer ahead of the attention.
 */
export class KvReadBuffer {
  private readonly reads: number[] = [];
  private readonly uses: number[] = [];

  depsOfNextRead(): number[] {
    const k = this.reads.length;
    const deps: number[] = [];
    if (k >= 1) deps.push(this.reads[k - 1]!);
    if (k >= 2 && this.uses[k - 2] !== undefined) deps.push(this.uses[k - 2]!);
    return deps;
  }

  read(task: number): void {
    this.reads.push(task);
  }

  /** The attention (attn-value) that consumed the most recent read not yet consumed. */
  consumed(task: number): void {
    if (this.uses.length < this.reads.length) this.uses.push(task);
  }
}
