// Time in service (issue 19): quality vs time since programming, maintenance policies priced in joules and
// downtime, and a digital baseline.
export { lifetime, logSchedule, measureQuality, curvesOf, lifetimeCosts, type LifetimeOptions, type LifetimeResult, type MeasuredPoint, type CurveCrossing, type LifetimeCostReport } from "./lifetime.ts";
export { simulateLifetime, sumEnergy, type LifetimeCosts, type LifetimeOutcome, type LifetimeEvent, type LifetimeEventKind, type EnergyBreakdown, type MaintenanceCost, type LifetimeSimInput } from "./simulate.ts";
export {
  parseQualityTarget, parseDuration, parsePolicy, formatDuration, curveModel, functionModel, meets,
  type QualityTarget, type QualityMetric, type Policy, type QualityModel, type QualityCurves, type CurvePoint,
} from "./quality.ts";
