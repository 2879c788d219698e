import { describe, expect, it } from "vitest";
import { ResourceSet, Simulator } from "../../src/engine/index.ts";
import { AimcsimError } from "../../src/errors.ts";

describe("ResourceSet", () => {
  it("serves a FIFO single server and accounts busy time and queue depth", () => {
    // Hand-computed: server of capacity 1; customers arrive at 0,1,2 and each holds it 3 ps.
    const sim = new Simulator();
    const rs = new ResourceSet([{ name: "adc", capacity: 1 }], sim, { record: true });
    const served: [number, number][] = [];
    const ARRIVE = 0, DONE = 1;
    [0, 1, 2].forEach((t, c) => sim.scheduleAt(t, ARRIVE, c));
    sim.run((kind, c) => {
      if (kind === ARRIVE) {
        if (rs.tryAcquire(0)) { served.push([c, sim.nowPs]); sim.schedule(3, DONE, c); }
        else rs.enqueue(0, c);
      } else {
        const next = rs.releaseAndGrant(0);
        if (next >= 0) { served.push([next, sim.nowPs]); sim.schedule(3, DONE, next); }
      }
    });
    expect(served).toEqual([[0, 0], [1, 3], [2, 6]]);
    expect(sim.nowPs).toBe(9);
    rs.finish(9);
    expect(rs.busyPs(0)).toBe(9);
    // waiters: [1,2):1, [2,3):2, [3,6):1 -> area 1+2+3 = 6
    expect(rs.meanQueueDepth(0, 9)).toBeCloseTo(6 / 9, 15);
    expect(rs.maxQueueDepth(0)).toBe(2);
    const log = rs.queueLog(0)!;
    expect([...log.timePs]).toEqual([0, 1, 2, 3, 6]);
    expect([...log.depth]).toEqual([0, 1, 2, 1, 0]);
  });

  it("orders waiters by key then token in priority mode, by arrival in fifo mode", () => {
    for (const order of ["priority", "fifo"] as const) {
      const rs = new ResourceSet([{ name: "sa", capacity: 1 }], { nowPs: 0 }, { order });
      expect(rs.tryAcquire(0)).toBe(true);
      rs.enqueue(0, 5, 2);
      rs.enqueue(0, 9, 1);
      rs.enqueue(0, 3, 2);
      rs.enqueue(0, 4, 1);
      const got: number[] = [];
      for (let i = 0; i < 4; i++) got.push(rs.releaseAndGrant(0));
      expect(got).toEqual(order === "priority" ? [4, 9, 3, 5] : [5, 9, 3, 4]);
      expect(rs.grantNext(0)).toBe(-1);
    }
  });

  it("rejects bad capacities and over-release", () => {
    expect(() => new ResourceSet([{ name: "x", capacity: 0 }], { nowPs: 0 })).toThrow(/resources\[0\]\.capacity/);
    expect(() => new ResourceSet([{ name: "x", capacity: 1.5 }], { nowPs: 0 })).toThrow(AimcsimError);
    const rs = new ResourceSet([{ name: "x", capacity: 2 }], { nowPs: 0 });
    expect(() => rs.release(0)).toThrow(/released more units/);
  });
});
