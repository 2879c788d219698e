"""The closed queueing network of bench/engine.bench.ts, in SimPy, for the speed comparison.

N customers cycle forever: pick a station uniformly at random, queue for one of its c servers
(FIFO), hold it for an exponential service time (mean meanPs, rounded to integer ps, at least 1),
release it, repeat. Runs until horizonPs. Prints one JSON line: completions, SimPy events
scheduled (Environment._eid: every request, release, timeout and process event), wall seconds.

Usage: /usr/bin/python3 bench/simpy_network.py '{"customers":1000,"stations":100,"capacity":2,
        "meanPs":1000000,"horizonPs":1000000000,"seed":1}'
"""
import json
import random
import sys
import time

import simpy


def main() -> None:
    a = json.loads(sys.argv[1])
    n, k, c = a["customers"], a["stations"], a["capacity"]
    mean_ps, horizon_ps = a["meanPs"], a["horizonPs"]
    rng = random.Random(a["seed"])
    env = simpy.Environment()
    stations = [simpy.Resource(env, capacity=c) for _ in range(k)]
    done = [0]
    rate = 1.0 / mean_ps

    def customer(env):
        while True:
            st = stations[rng.randrange(k)]
            with st.request() as req:
                yield req
                yield env.timeout(max(1, round(rng.expovariate(rate))))
            done[0] += 1

    for _ in range(n):
        env.process(customer(env))
    t0 = time.perf_counter()
    env.run(until=horizon_ps)
    wall = time.perf_counter() - t0
    events = next(env._eid)  # ids handed out = events scheduled
    print(json.dumps({
        "simpy": simpy.__version__,
        "python": sys.version.split()[0],
        "completions": done[0],
        "events": events,
        "wallS": wall,
        "simulatedPs": env.now,
    }))


if __name__ == "__main__":
    main()
