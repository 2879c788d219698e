// fast-check seeds: random on developer machines (new cases every run; a failure prints its seed), fixed in CI
// (CI=true) so a green submission cannot turn red on a rare input; FC_SEED=<n> reproduces any run.
import fc from "fast-check";

const fromEnv = process.env.FC_SEED;
if (fromEnv !== undefined && fromEnv !== "") fc.configureGlobal({ seed: Number(fromEnv) });
else if (process.env.CI === "true") fc.configureGlobal({ seed: 20261123 });
