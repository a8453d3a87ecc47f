/**
 * What the estimate has to assume because the plan cannot know it: traffic, data volumes,
 * queries. Each is stated in plan.json (`cost.assumptions`) with the figure used, so a
 * reviewer can scale the matching lines to their own numbers.
 */
export const USAGE = {
  /** Per NAT gateway: image pulls, AWS API calls, Git fetches leaving the private subnets. */
  natGbPerGatewayMonth: 100,
  /**
   * Per Network Load Balancer, on average: one NLCU-hour covers up to 50 new TLS
   * connections a second, 3,000 active TLS connections or 1 GB an hour (PAGES.elb).
   */
  nlcuPerLoadBalancerHour: 1,
  /** Through the Global Accelerator, dominant direction, spread over the serving regions. */
  acceleratorGbMonth: 500,
  /** To each name clients resolve (the fleet's record): the answers behind it are free aliases. */
  dnsMillionQueriesMonth: 10,
  /** Velero backups kept in each cluster's bucket, every version counted. */
  backupStoredGbPerBucket: 100,
  /** Written to each cluster's backup prefix per month, all of it replicated to the partner. */
  backupReplicatedGbPerMonth: 50,
  /** EKS control-plane logs (all five types, audit the largest) per cluster. */
  controlPlaneLogsGbPerMonth: 30,
} as const;
