import { z } from "zod";
import { gitopsPathProblem } from "./paths";

/**
 * The shape of `eks-fleet:fleet` in `Pulumi.<stack>.yaml`. Every object is strict, so a
 * typo is an error and never a silent default. Cross-field rules live in `rules.ts`.
 */

/** RFC 1123 label; short enough that derived names (`<fleet>-<cluster>-velero-<account>`) fit S3's 63. */
const label = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, "must be a DNS label: lowercase letters, digits and '-', starting with a letter");

const hostname = z
  .string()
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase DNS name such as example.com");

/** A zod refinement from a check that returns an error message or undefined. */
function refineWith(problem: (value: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message });
  };
}

const iamRoleArn = z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/, "must be an IAM role ARN");

export const nodesSchema = z.strictObject({
  /** EC2 instance types of the managed node group, in order of preference. */
  instanceTypes: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an EC2 instance type such as m6i.large")).min(1),
  min: z.number().int().min(0),
  desired: z.number().int().min(0),
  max: z.number().int().min(1),
  /** @default 50 */
  diskSizeGiB: z.number().int().min(20).max(16384).default(50),
});

export const clusterSchema = z.strictObject({
  name: label(16),
  region: z.string(),
  /** Required in active-passive; omitted (or `primary`) in active-active. */
  role: z.enum(["primary", "secondary"]).optional(),
  vpcCidr: z.string(),
  nodes: nodesSchema,
  /** Free-form labels used by selective replication (`charts/`). @default {} */
  labels: z.record(z.string().regex(/^[a-z0-9A-Z._/-]{1,63}$/, "must be a label key"), z.string().max(63)).default({}),
  /** The cluster whose bucket receives this cluster's backups. @default a balanced ring over the regions (fleet/backup-partners.ts) */
  backupPartner: z.string().optional(),
  /**
   * Availability Zone IDs (`use1-az1`) for this cluster's subnet pairs, for an account that
   * lacks one of the defaults: two or three of the cluster's region, none that EKS refuses.
   * @default the region's first usable zone IDs (fleet/zones.ts)
   */
  zoneIds: z.array(z.string()).optional(),
});

export const fleetSchema = z.strictObject({
  name: label(16),
  accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account ID in quotes"),
  mode: z.enum(["active-active", "active-passive"]),
  /**
   * Active-passive only: what a secondary runs. `warm`: its apps reconcile at reduced scale,
   * so DNS alone moves traffic; `pilot-light`: its apps are scaled to zero until a promotion.
   * @default warm
   */
  standby: z.enum(["warm", "pilot-light"]).optional(),
  /** EKS minor version of every cluster, e.g. "1.35"; see the README's "Versions". */
  kubernetesVersion: z.string(),
  /**
   * Lets the clusters stay on a version past its end of standard support, billed as EKS
   * extended support (six times the control-plane price). Without it the clusters' upgrade
   * policy is STANDARD and the version policy fails a version out of standard support. @default false
   */
  extendedSupport: z.boolean().default(false),
  /**
   * How the fleet is split into Pulumi stacks (README, "Stacks"). `single`: this stack holds
   * everything. `per-cluster`: this stack holds what is fleet-wide, `<stack>.<cluster>` each
   * cluster, `<stack>.links.<region>` what joins clusters; all read this one file. Switching
   * an existing stack moves state (`npm run migrate`). @default single
   */
  stacks: z.enum(["single", "per-cluster"], { error: "must be single (one stack) or per-cluster (a fleet stack and a stack per cluster)" }).default("single"),
  /**
   * Public CIDR blocks allowed to reach the API endpoint: your CI runners' and VPN egress. At
   * least one: the deploy reaches every cluster's API from outside its VPC, so a private-only
   * endpoint is refused (rules.ts `PRIVATE_ONLY_REFUSED`). The private endpoint is always on.
   */
  apiAccessCidrs: z.array(z.string()).default([]),
  /** IAM roles granted cluster-admin through EKS access entries (people, break-glass roles). @default [] */
  clusterAdmins: z.array(iamRoleArn).default([]),
  /**
   * The role that runs `pulumi up` (CI assumes it). It creates the clusters, which grant their
   * creator nothing (bootstrap admin is off), so it gets its own cluster-admin access entry.
   * Must not also be listed in clusterAdmins.
   */
  deployRoleArn: iamRoleArn,
  /**
   * The role pull-request previews and the drift check run as: a view-only access entry
   * (AmazonEKSViewPolicy, cluster scope) in every cluster. @default none
   */
  previewRoleArn: iamRoleArn.optional(),
  /**
   * Lets AWS shift each cluster's traffic away from an Availability Zone it finds impaired (ARC
   * zonal autoshift), with the weekly practice runs ARC requires, judged by an alarm on the
   * cluster's gateway. Practice runs start only inside `allowedWindows` or outside
   * `blockedWindows` (one or the other; `Day:HH:MM-Day:HH:MM`, UTC, within one day), never on
   * `blockedDates` (`YYYY-MM-DD`). Zonal shift itself is always on. @default off
   */
  zonalAutoshift: z
    .strictObject({
      allowedWindows: z.array(z.string()).max(15, "ARC takes at most 15 windows").optional(),
      blockedWindows: z.array(z.string()).max(15, "ARC takes at most 15 windows").optional(),
      blockedDates: z.array(z.string()).max(15, "ARC takes at most 15 dates").optional(),
    })
    .optional(),
  gitops: z.strictObject({
    /** @default flux */
    engine: z.enum(["flux", "argocd"]).default("flux"),
    repoUrl: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)\S+$/, "must be an https:// or ssh Git URL"),
    /** @default main */
    branch: z.string().min(1).default("main"),
    /** @default gitops */
    path: z.string().superRefine(refineWith(gitopsPathProblem)).default("gitops"),
    /**
     * A Secret created out of band in the agent's namespace (`flux-system` or `argocd`) holding
     * the repository's credentials: required for ssh:// URLs, optional for https. @default none (a public repository)
     */
    secretRef: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes Secret name").max(253).optional(),
    /**
     * Argo CD only: the cluster that runs Argo CD in a region, keyed by region. Every region
     * has its own hub managing the clusters of that region, so losing a region never leaves
     * a surviving cluster without a reconciler. @default the region's first cluster
     */
    hubs: z.record(z.string(), z.string()).optional(),
    /** Retired (a single hub and its standby): `rules.ts` says what to write instead. */
    hub: z.unknown().optional(),
  }),
  dns: z.strictObject({
    zone: hostname,
    /**
     * The ID of the public Route 53 hosted zone of `zone` (`aws route53 list-hosted-zones-by-name
     * --dns-name <zone>`): given, not looked up, so no deploy needs Route 53's API to find it.
     */
    zoneId: z
      .string()
      .regex(/^[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ: the Id that `aws route53 list-hosted-zones-by-name --dns-name <zone>` prints, without /hostedzone/"),
    record: hostname,
    /**
     * Path every cluster's gateway answers with 200 while Git says the cluster serves, and 503
     * otherwise; `<path>/takeover` and `<path>/live` are derived from it (fleet/traffic.ts).
     * Plain URL characters only: it is written into the gateway's config.
     * @default /healthz
     */
    healthCheckPath: z
      .string()
      .max(246, "must be at most 246 characters (Route 53 checks up to 255, and '/takeover' is appended to it)")
      .regex(/^\/[A-Za-z0-9._~\/-]*$/, "must start with '/' and use only letters, digits and . _ ~ / -")
      .default("/healthz"),
    /** @default 60 */
    ttl: z.number().int().min(1).max(86400).default(60),
    /**
     * Puts an AWS Global Accelerator in front of the clusters' load balancers; `record` then
     * aliases the accelerator instead of Route 53 failover/latency records. @default false
     */
    globalAccelerator: z.boolean().default(false),
    /**
     * Who serves `<fleet>-<cluster>.<record>` behind the fleet's load balancer: `builtin` renders a
     * hardened health-serving gateway in every cluster; `external` renders only the Service
     * and TargetGroupBinding, for your own gateway pods (see docs/HIGH-AVAILABILITY.md, "Your own gateway").
     * @default builtin
     */
    gateway: z.enum(["builtin", "external"], { error: "must be builtin (the fleet's gateway) or external (your own, bound by label)" }).default("builtin"),
  }),
  backup: z
    .strictObject({
      /** Velero schedule, five-field cron in UTC. @default "0 * * * *" */
      schedule: z.string().default("0 * * * *"),
      /** Velero TTL and S3 lifecycle, as a Go duration in hours. @default 720h */
      retention: z.string().default("720h"),
      /**
       * The longest one backup runs, from its scheduled start until its last object is written
       * (a Go duration; measure it with `velero backup describe`): part of the RPO. @default 30m
       */
      maxDuration: z.string().default("30m"),
      /**
       * Name of an SNS topic that exists under this name in every cluster region (a CloudWatch
       * alarm notifies a topic of its own region): the replication alarms notify it. @default none
       */
      alarmTopic: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic name: letters, digits, '-' and '_'").optional(),
    })
    .prefault({}),
  namespaces: z
    .array(
      z.strictObject({
        name: label(63),
        /**
         * Kubernetes groups bound to the built-in `admin` ClusterRole in this namespace. Not a
         * `system:` group (those are Kubernetes' own: every user, node or component). @default []
         */
        admins: z.array(z.string().min(1).regex(/^(?!system:)/, "must not start with 'system:' (a group Kubernetes defines)")).default([]),
        /**
         * IAM roles that administer this namespace: each gets an EKS access entry whose
         * `kubernetesGroups` are the `admins` of every namespace naming it. @default []
         */
        adminRoles: z.array(iamRoleArn).default([]),
        /** Pod Security Standard enforced in it (Pod Security Admission). @default restricted */
        podSecurity: z.enum(["restricted", "baseline"]).default("restricted"),
      }),
    )
    .default([]),
  secrets: z
    .array(
      z.strictObject({
        /** Secrets Manager name, e.g. `payments/db-credentials`. */
        name: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, "must be a Secrets Manager name"),
        namespace: z.string(),
      }),
    )
    .default([]),
  clusters: z.array(clusterSchema),
  /**
   * How a change reaches the fleet: wave by wave, each wave baking before the next gets it
   * (README, "Rolling out a change"). Git changes and cluster upgrades alike.
   */
  rollout: z
    .strictObject({
      /**
       * Named groups of clusters, in the order a change reaches them; every cluster in exactly
       * one. @default a canary standby, the other standbys, then the primary (active-passive);
       * a canary and two waves spread over the regions (active-active) — fleet/waves.ts
       */
      waves: z
        .array(
          z.strictObject({
            name: label(32),
            clusters: z.array(z.string()).min(1, "must list at least one cluster"),
            /** How long the wave runs a change, applied and healthy, before the next wave gets it (a Go duration). */
            bake: z.string(),
          }),
        )
        .optional(),
      /** The bake of each derived wave. @default 1h */
      bake: z.string().default("1h"),
      /** How often the gates are evaluated while watching a rollout: a failed gate halts within one interval. @default 1m */
      gateInterval: z.string().default("1m"),
      /** Checks every wave's clusters must pass during the bake; `{cluster}`, `{region}`, `{hostname}` name each cluster. */
      checks: z
        .strictObject({
          /** CloudWatch alarm names (in each cluster's region) that must stay in OK for the whole bake. @default [] */
          alarms: z.array(z.string().regex(/^[^\n]{1,255}$/, "must be a CloudWatch alarm name")).default([]),
          /** HTTPS URLs that must answer 2xx when a gate is evaluated. @default [] */
          probes: z.array(z.string().regex(/^https:\/\/\S+$/, "must be an https:// URL")).default([]),
        })
        .prefault({}),
      /** Lets one change move the clusters of several waves in one deploy (remove it again once deployed). @default false */
      allowMultipleWaves: z.boolean().default(false),
    })
    .prefault({}),
  /** Policy settings the offline checks read (the CrossGuard pack takes the same via --policy-pack-config). */
  policy: z
    .strictObject({
      /** Regions infrastructure and data may live in (data residency). @default [] (no restriction) */
      allowedRegions: z.array(z.string()).default([]),
      /** Most the stack may cost a month (USD, the plan's estimate); above it the plan fails (exit 1). @default none */
      maxMonthlyUsd: z.number().positive().optional(),
    })
    .optional(),
});

export type FleetConfig = z.infer<typeof fleetSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
