import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EventQueue, Simulator } from "../../src/engine/index.ts";
import { AimcsimError } from "../../src/errors.ts";

describe("EventQueue", () => {
  it("pops events in nondecreasing time, same-time events in push order, none lost (grows past its start size)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }).map((t) => ({ push: t })), fc.constant({ push: -1 })), { maxLength: 400 }),
        (ops) => {
          const q = new EventQueue(16);
          const popped: [number, number][] = [];
          let id = 0;
          const pushed: [number, number][] = [];
          let floor = 0; // times pushed after a pop are >= the popped time (as in a simulation)
          for (const op of ops) {
            if (op.push >= 0) {
              const t = floor + op.push;
              q.push(t, 7, id);
              pushed.push([t, id++]);
            } else if (q.pop()) {
              expect(q.poppedKind).toBe(7);
              popped.push([q.poppedTimePs, q.poppedPayload]);
              floor = q.poppedTimePs;
            }
          }
          while (q.pop()) popped.push([q.poppedTimePs, q.poppedPayload]);
          expect(q.size).toBe(0);
          expect(popped.length).toBe(pushed.length);
          for (let i = 1; i < popped.length; i++) {
            expect(popped[i][0]).toBeGreaterThanOrEqual(popped[i - 1][0]);
            if (popped[i][0] === popped[i - 1][0]) expect(popped[i][1]).toBeGreaterThan(popped[i - 1][1]);
          }
          expect([...popped].sort((a, b) => a[1] - b[1])).toEqual(pushed);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("matches a sorted reference on arbitrary times", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 2000 }), (times) => {
        const q = new EventQueue(16);
        times.forEach((t, i) => q.push(t, 0, i));
        const ref = times.map((t, i) => [t, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        for (const [t, i] of ref) {
          expect(q.pop()).toBe(true);
          expect([q.poppedTimePs, q.poppedPayload]).toEqual([t, i]);
        }
        expect(q.pop()).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe("Simulator", () => {
  it("advances the clock through events in time order and counts them", () => {
    const sim = new Simulator();
    const seen: [number, number, number][] = [];
    sim.schedule(30, 1, 0);
    sim.schedule(10, 2, 1);
    sim.schedule(10, 3, 2);
    const n = sim.run((kind, payload) => {
      seen.push([sim.nowPs, kind, payload]);
      if (kind === 2) sim.schedule(5, 4, 9);
    });
    expect(seen).toEqual([[10, 2, 1], [10, 3, 2], [15, 4, 9], [30, 1, 0]]);
    expect(n).toBe(4);
    expect(sim.eventsProcessed).toBe(4);
  });

  it("stops at untilPs and resumes", () => {
    const sim = new Simulator();
    for (let i = 0; i < 10; i++) sim.schedule(i * 100, 0, i);
    const got: number[] = [];
    sim.run((_k, p) => got.push(p), { untilPs: 450 });
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(sim.nowPs).toBe(400);
    sim.run((_k, p) => got.push(p));
    expect(got.length).toBe(10);
  });

  it("calls afterInstant once per instant, after every event of that instant", () => {
    const sim = new Simulator();
    const log: string[] = [];
    sim.schedule(5, 0, 0);
    sim.schedule(5, 0, 1);
    sim.schedule(7, 0, 2);
    let extra = true;
    sim.run((_k, p) => log.push(`e${p}@${sim.nowPs}`), {
      afterInstant: () => {
        log.push(`after@${sim.nowPs}`);
        if (sim.nowPs === 7 && extra) {
          extra = false;
          sim.schedule(0, 0, 3); // same instant: handled, then afterInstant again
        }
      },
    });
    expect(log).toEqual(["after@0", "e0@5", "e1@5", "after@5", "e2@7", "after@7", "e3@7", "after@7"]);
  });

  it("rejects negative, fractional, NaN and past times with a SimError", () => {
    const sim = new Simulator();
    for (const d of [-1, 0.5, NaN, Infinity, 2 ** 54]) {
      expect(() => sim.schedule(d, 0, 0)).toThrow(AimcsimError);
    }
    sim.schedule(10, 0, 0);
    sim.run(() => {});
    expect(() => sim.scheduleAt(5, 0, 0)).toThrow(/past/);
    expect(() => sim.schedule(-1, 0, 0)).toThrow(/schedule.delayPs/);
  });
});
