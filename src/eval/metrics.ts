// Per-position accuracy metrics of a noisy forward pass against the noise-free reference, plain loops.

/** In place: row-wise log-softmax of logits [T x V] (fp64 accumulation). */
export function logSoftmaxRows(logits: Float32Array, T: number, V: number): void {
  for (let t = 0; t < T; t++) {
    const o = t * V;
    let m = -Infinity;
    for (let v = 0; v < V; v++) if (logits[o + v] > m) m = logits[o + v];
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[o + v] - m);
    const lse = m + Math.log(s);
    for (let v = 0; v < V; v++) logits[o + v] -= lse;
  }
}

export function argmaxRow(a: Float32Array, o: number, V: number): number {
  let best = 0;
  let m = -Infinity;
  for (let v = 0; v < V; v++) {
    if (a[o + v] > m) {
      m = a[o + v];
      best = v;
    }
  }
  return best;
}

/** Running sums over scored positions: negative log-likelihood, top-1 agreement with the reference and with
 *  the text, KL(ref || noisy). */
export class MetricSums {
  nll = 0;
  agree = 0;
  correct = 0;
  kl = 0;
  n = 0;
  /**
   * Score positions [from, to) of one window. `logp` and `refLogp` are log-softmaxed [T x V]; position t
   * predicts targets[t]; refArgmax[t] is the reference's top-1 at t.
   */
  add(logp: Float32Array, refLogp: Float32Array, refArgmax: Int32Array, targets: Int32Array, from: number, to: number, V: number): void {
    for (let t = from; t < to; t++) {
      const o = t * V;
      this.nll -= logp[o + targets[t]];
      const top = argmaxRow(logp, o, V);
      if (top === refArgmax[t]) this.agree++;
      if (top === targets[t]) this.correct++;
      let kl = 0;
      for (let v = 0; v < V; v++) {
        const lr = refLogp[o + v];
        kl += Math.exp(lr) * (lr - logp[o + v]);
      }
      this.kl += kl;
      this.n++;
    }
  }
  get perplexity(): number {
    return Math.exp(this.nll / this.n);
  }
  get top1Agreement(): number {
    return this.agree / this.n;
  }
  /** Next-token top-1 accuracy against the text itself. */
  get top1Accuracy(): number {
    return this.correct / this.n;
  }
  get meanKl(): number {
    return this.kl / this.n;
  }
}
