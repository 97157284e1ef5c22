import type { Contribution } from "../plan/types.js";
import type { Site } from "../resolve/site.js";

/** One row of the registry: a target reads the resolved Site and contributes gates, steps, checks and files. */
export interface Target {
  name: string;
  /** One line for `gen targets` and the README. */
  summary: string;
  plan(site: Site): Contribution;
}
