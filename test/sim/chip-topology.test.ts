// Chip-to-chip link topologies (issue 18.5): routes are paths between the chips they join, the traffic the links
// carry is the traffic injected times the links each transfer crosses, and on two chips every topology with one
// link between them gives today's shared-link result exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChipLinkTopology, MAX_RING_CHIPS, type ChipLinkTopologyKind } from "../../src/components/chiplink.ts";
import { AimcsimError } from "../../src/errors.ts";
import { simulate } from "../../src/sim/index.ts";
import { checkChipSpec } from "../../src/spec/validate.ts";
import { hybridChip, tile } from "../mapping/chips.ts";

const KINDS: readonly ChipLinkTopologyKind[] = ["shared", "ring", "mesh", "switch"];

/** Longest route on `n` chips. */
const diameter = (kind: ChipLinkTopologyKind, n: number): number => (kind === "ring" ? Math.floor(n / 2) : kind === "switch" ? 2 : 1);

/** Walk `route` from `from`: each link must touch the current chip; returns where the walk ends. */
const walk = (topo: ChipLinkTopology, from: number, to: number, route: readonly number[]): number => {
  if (topo.kind === "shared") return route.length === 1 ? to : from;
  if (topo.kind === "switch") {
    expect(topo.ends(route[0]!)).toEqual([from, -1]);
    expect(topo.ends(route[1]!)).toEqual([to, -1]);
    return to;
  }
  let at = from;
  for (const l of route) {
    const [a, b] = topo.ends(l);
    expect(a === at || b === at).toBe(true);
    at = a === at ? b : a;
  }
  return at;
};

describe("chip-link topology routes", () => {
  it("every route is a path from its source to its destination, no longer than the topology's diameter", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), (kind, n, a, b) => {
        const topo = new ChipLinkTopology(kind, n);
        const from = a % n;
        const to = b % n;
        const route = topo.route(from, to);
        if (from === to) {
          expect(route).toEqual([]);
          return;
        }
        expect(route.length).toBeGreaterThanOrEqual(1);
        expect(route.length).toBeLessThanOrEqual(diameter(kind, n));
        expect(new Set(route).size).toBe(route.length);
        expect(walk(topo, from, to, route)).toBe(to);
        // links are symmetric: the way back crosses the same links
        expect([...topo.route(to, from)].sort((x, y) => x - y)).toEqual([...route].sort((x, y) => x - y));
      }),
      { numRuns: 400 },
    );
  });

  it("traffic conservation: the bytes on all links equal each transfer's bytes times the links it crosses", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.integer({ min: 2, max: 24 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 1 << 20 })), { minLength: 1, maxLength: 40 }),
        (kind, n, transfers) => {
          const topo = new ChipLinkTopology(kind, n);
          const perLink = new Map<number, number>();
          let expected = 0;
          let injected = 0;
          for (const [a, b, bytes] of transfers) {
            const route = topo.route(a % n, b % n);
            for (const l of route) perLink.set(l, (perLink.get(l) ?? 0) + bytes);
            expected += bytes * route.length;
            if (a % n !== b % n) injected += bytes;
          }
          const carried = [...perLink.values()].reduce((x, y) => x + y, 0);
          expect(carried).toBe(expected);
          // one-link topologies carry exactly what was injected; a switch twice that; a ring at least that
          if (kind === "shared" || kind === "mesh") expect(carried).toBe(injected);
          if (kind === "switch") expect(carried).toBe(2 * injected);
          if (kind === "ring") expect(carried).toBeGreaterThanOrEqual(injected);
          for (const l of perLink.keys()) expect(topo.linkName(l)).toMatch(/^(chip-link|link \d+-(\d+|switch))$/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a ring over more chips than it can route is refused by name; the spec rejects an unknown topology", () => {
    expect(() => new ChipLinkTopology("ring", MAX_RING_CHIPS + 1)).toThrow(AimcsimError);
    expect(() => new ChipLinkTopology("ring", MAX_RING_CHIPS + 1)).toThrow(/chipLink\.topology/);
    expect(new ChipLinkTopology("mesh", MAX_RING_CHIPS + 1).route(0, MAX_RING_CHIPS)).toHaveLength(1);
    const bad = checkChipSpec({ ...hybridChip(), chipLink: { topology: "torus" } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(JSON.stringify(bad.issues)).toMatch(/topology/);
    expect(checkChipSpec({ ...hybridChip(), chipLink: { topology: "ring" } }).ok).toBe(true);
  });
});

// gpt2 on 128x128 tiles: 8192 tiles per chip -> 2 chips, 2048 -> 6 chips (test/sim/chiplink.test.ts sizes).
const sim = (tiles: number, topology?: ChipLinkTopologyKind) =>
  simulate({ chip: { ...hybridChip({ tiles, t: tile(128, 128) }), ...(topology ? { chipLink: { topology } } : {}) }, model: "gpt2", promptTokens: 8, genTokens: 2, chips: "auto" });
const linkJ = (s: ReturnType<typeof sim>) => s.result.prefill.energyByComponentJ.link + s.result.decode.energyByComponentJ.link;
const carried = (s: ReturnType<typeof sim>) => s.links.reduce((a, l) => a + l.bytes, 0);
/** The result less its assumption lines, with the one chip-to-chip link's utilisation under the shared link's name. */
const comparable = (s: ReturnType<typeof sim>) => {
  const utilization = Object.fromEntries(Object.entries(s.result.utilization).map(([k, v]) => [k === "link 0-1" ? "chip-link" : k, v]));
  return { ...s.result, assumptions: [], utilization };
};

describe("chip-link topologies in a run", () => {
  it("on two chips, ring and mesh (one link between them) equal the shared link exactly; a switch pays twice the link energy", () => {
    const shared = sim(8192);
    expect(shared.result.mapping.chips).toBe(2);
    expect(linkJ(shared)).toBeGreaterThan(0);
    expect(comparable(sim(8192, "shared"))).toEqual(comparable(shared));
    for (const k of ["ring", "mesh"] as const) {
      const s = sim(8192, k);
      expect(s.links.map((l) => [l.name, l.bytes])).toEqual([["link 0-1", shared.links[0]!.bytes]]);
      expect(comparable(s)).toEqual(comparable(shared));
    }
    const sw = sim(8192, "switch");
    expect(linkJ(sw) / linkJ(shared)).toBeCloseTo(2, 12);
    expect(sw.result.totalS).toBeGreaterThanOrEqual(shared.result.totalS);
    expect(sw.links.map((l) => l.name)).toEqual(["link 0-switch", "link 1-switch"]);
  });

  it("on six chips: mesh carries what the shared link carries over five links from chip 0; a switch twice it; a ring more; link energy = bits x pJ/bit", () => {
    const shared = sim(2048);
    expect(shared.result.mapping.chips).toBe(6);
    const mesh = sim(2048, "mesh");
    const ring = sim(2048, "ring");
    const sw = sim(2048, "switch");
    expect(shared.links).toHaveLength(1);
    expect(mesh.links.map((l) => l.name)).toEqual(["link 0-1", "link 0-2", "link 0-3", "link 0-4", "link 0-5"]);
    expect(carried(mesh) / carried(shared)).toBeCloseTo(1, 12);
    expect(carried(sw) / carried(shared)).toBeCloseTo(2, 12);
    expect(carried(ring)).toBeGreaterThan(carried(shared) * 1.01);
    for (const s of [shared, mesh, ring, sw]) {
      expect(s.links.reduce((a, l) => a + l.energyJ, 0) / linkJ(s)).toBeCloseTo(1, 12);
      expect(carried(s) * 8 * 0.5e-12 / linkJ(s)).toBeCloseTo(1, 12);
      for (const l of s.links) expect(l.busyS).toBeGreaterThan(0);
    }
    // a ring of 6: chips 1, 2 and 3 (a tie) are reached going up from 0, 4 and 5 going down; links 0-1 and 5-0 carry the most
    const byName = new Map(ring.links.map((l) => [l.name, l.bytes]));
    expect(byName.get("link 0-1")!).toBeGreaterThan(byName.get("link 2-3")!);
    expect(byName.get("link 5-0")!).toBeGreaterThan(byName.get("link 4-5")!);
    expect(ring.result.assumptions.some((a) => a.includes("topology ring over 6 chips"))).toBe(true);
  });
});
