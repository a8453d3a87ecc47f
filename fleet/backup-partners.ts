/** What `backupPartners` needs of a cluster. */
export interface PartnerInput {
  readonly name: string;
  readonly region: string;
  /** Pinned in config: kept as written, never moved. */
  readonly backupPartner?: string;
}

/**
 * Where each cluster's backups replicate: one partner in another region (replication cost
 * grows linearly with the fleet), chosen so that
 * - every cluster receives exactly one peer's replica whenever the regions allow it, that is
 *   when no region holds more than half of the clusters;
 * - adding a cluster at the end of `fleet.clusters` moves at most one existing pair when the
 *   fleet was balanced and stays balanceable. A moved pair starts with an empty replica (S3
 *   replication copies only objects written after its rule exists), so its sender's existing
 *   backups need S3 Batch Replication (docs/RUNBOOK.md, "When a backup partner changes"); the
 *   fleet diff names every moved pair.
 * Both at once without any move are impossible: appended to a ring where each cluster receives
 * one replica, a new cluster either leaves every pair alone (one cluster then receives two
 * and the new one none) or is spliced in. This takes the splice.
 *
 * The pairs are built cluster by cluster in fleet order; each step adds one cluster Y:
 * 1. clusters still without a partner (all before Y share one region) send to Y if it is in
 *    another region;
 * 2. Y sends to the cluster in another region that receives fewest (the earliest on a tie),
 *    or, when Y receives nothing yet, one existing sender P in another region moves onto Y and
 *    Y takes P's old target Q (P → Y → Q, a splice; the latest such P on a tie, so a fleet
 *    listed region after region is a ring in fleet order). The splice is taken only when it
 *    makes the receipts more even (max − min) than moving nothing. From a balanced fleet a
 *    splice that keeps it balanced exists whenever the new fleet can be balanced: some pair has
 *    neither end in Y's region, since fewer than half the clusters are there.
 * 3. if the receipts are still uneven though the regions allow a balanced fleet (a stretch of
 *    clusters in one region came first), pairs move to balance it: each target keeps its
 *    earliest sender and the other senders are placed by augmenting paths (Kuhn's bipartite
 *    matching), which may move more than one pair; the diff names each.
 * A pinned `backupPartner` is taken as written and never moved.
 */
export function backupPartners(clusters: readonly PartnerInput[]): Map<string, string> {
  const partner = new Map<string, string>();
  const present: PartnerInput[] = [];
  const receipts = () => {
    const count = new Map(present.map((c) => [c.name, 0]));
    for (const target of partner.values()) if (count.has(target)) count.set(target, count.get(target)! + 1);
    return count;
  };
  const spread = (count: Map<string, number>) => Math.max(...count.values()) - Math.min(...count.values());
  for (const y of clusters) {
    present.push(y);
    for (const waiting of present) if (!partner.has(waiting.name) && !waiting.backupPartner && waiting.region !== y.region) partner.set(waiting.name, y.name);
    if (y.backupPartner) {
      partner.set(y.name, y.backupPartner);
      continue;
    }
    const others = present.filter((c) => c.region !== y.region);
    if (others.length === 0) continue;
    const fewest = (count: Map<string, number>, prefer?: string) =>
      others.reduce((best, c) => (count.get(c.name)! < count.get(best.name)! || (count.get(c.name) === count.get(best.name) && c.name === prefer) ? c : best)).name;
    // Moving nothing: Y sends to whoever receives fewest.
    const still = receipts();
    const stay = fewest(still);
    still.set(stay, still.get(stay)! + 1);
    let best = { spread: spread(still), apply: () => partner.set(y.name, stay) };
    if (receipts().get(y.name) === 0) {
      for (const p of [...others].reverse()) {
        const q = partner.get(p.name);
        if (q === undefined || p.backupPartner) continue;
        partner.set(p.name, y.name);
        const moved = receipts();
        const z = fewest(moved, q);
        moved.set(z, moved.get(z)! + 1);
        partner.set(p.name, q);
        if (spread(moved) < best.spread) best = { spread: spread(moved), apply: () => (partner.set(p.name, y.name), partner.set(y.name, z)) };
      }
    }
    best.apply();
    if (spread(receipts()) > 0 && balanceable(present)) rebalance(present, partner);
  }
  return partner;
}

/** Whether every cluster can receive exactly one peer's replica: no region holds more than half (and no pin receives twice). */
function balanceable(clusters: readonly PartnerInput[]): boolean {
  const perRegion = new Map<string, number>();
  for (const c of clusters) perRegion.set(c.region, (perRegion.get(c.region) ?? 0) + 1);
  const pinnedTargets = clusters.filter((c) => c.backupPartner).map((c) => c.backupPartner!);
  const present = new Set(clusters.map((c) => c.name));
  return Math.max(...perRegion.values()) * 2 <= clusters.length
    && new Set(pinnedTargets).size === pinnedTargets.length && pinnedTargets.every((t) => present.has(t));
}

/**
 * Gives every cluster exactly one sender, keeping every pair it can: pinned pairs and, per
 * target, its earliest sender stay; each other sender is placed by an augmenting path (a
 * maximum bipartite matching from senders to targets in other regions).
 */
function rebalance(clusters: readonly PartnerInput[], partner: Map<string, string>): void {
  const senderOf = new Map<string, string>();
  for (const c of clusters) if (c.backupPartner) senderOf.set(c.backupPartner, c.name);
  const free = clusters.filter((c) => !c.backupPartner);
  for (const c of free) {
    const target = partner.get(c.name);
    if (target !== undefined && !senderOf.has(target)) senderOf.set(target, c.name);
  }
  const matched = new Map([...senderOf].map(([target, sender]) => [sender, target]));
  const regionOf = new Map(clusters.map((c) => [c.name, c.region]));
  const place = (sender: string, visited: Set<string>): boolean => {
    for (const target of clusters) {
      if (target.region === regionOf.get(sender) || visited.has(target.name)) continue;
      visited.add(target.name);
      const holder = senderOf.get(target.name);
      const movable = holder === undefined || (!clusters.find((c) => c.name === holder)!.backupPartner && place(holder, visited));
      if (movable) {
        senderOf.set(target.name, sender);
        matched.set(sender, target.name);
        return true;
      }
    }
    return false;
  };
  for (const c of free) if (!matched.has(c.name) && !place(c.name, new Set())) return;
  for (const [sender, target] of matched) partner.set(sender, target);
}
