import type { ClusterRole, ClusterSpec } from "../fleet";

/**
 * Which clusters an object goes to, as a value: `Select.role("primary")`,
 * `Select.region("eu-west-1").and(Select.label("tier", "gold"))`. Evaluated at render time
 * against the fleet model, so the Git tree shows exactly where each object lands.
 */
export class Select {
  /** Every cluster of the fleet (the default target of a replication). */
  static all(): Select {
    return new Select("all clusters", () => true);
  }

  /** Clusters by name. A name that is not in the fleet is an error at render time, not a silent no-op. */
  static name(...names: string[]): Select {
    return new Select(`name in (${names.join(", ")})`, (c) => names.includes(c.name), names);
  }

  static role(...roles: ClusterRole[]): Select {
    return new Select(`role in (${roles.join(", ")})`, (c) => roles.includes(c.role));
  }

  static region(...regions: string[]): Select {
    return new Select(`region in (${regions.join(", ")})`, (c) => regions.includes(c.region));
  }

  /** Clusters whose `labels` has `key` (with `value`, when given). */
  static label(key: string, value?: string): Select {
    return value === undefined
      ? new Select(`label ${key}`, (c) => key in c.labels)
      : new Select(`label ${key}=${value}`, (c) => c.labels[key] === value);
  }

  /** Clusters that take traffic without a promotion (primary, or every cluster in active-active). */
  static serving(): Select {
    return new Select("serving clusters", (c) => c.serves);
  }

  private constructor(
    /** Human-readable, for error messages and docs. */
    readonly description: string,
    private readonly predicate: (cluster: ClusterSpec) => boolean,
    /** Cluster names this selector mentions, checked against the fleet. */
    readonly namedClusters: readonly string[] = [],
  ) {}

  matches(cluster: ClusterSpec): boolean {
    return this.predicate(cluster);
  }

  and(other: Select): Select {
    return new Select(`(${this.description}) and (${other.description})`, (c) => this.matches(c) && other.matches(c), [
      ...this.namedClusters,
      ...other.namedClusters,
    ]);
  }

  or(other: Select): Select {
    return new Select(`(${this.description}) or (${other.description})`, (c) => this.matches(c) || other.matches(c), [
      ...this.namedClusters,
      ...other.namedClusters,
    ]);
  }

  not(): Select {
    return new Select(`not (${this.description})`, (c) => !this.matches(c), this.namedClusters);
  }
}
