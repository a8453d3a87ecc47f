import { createHash } from "crypto";
import { k8s } from "../k8s";
import type { FleetSpec } from "../../fleet";
import { healthPaths, HEALTH_ANSWERS } from "../../fleet/traffic";
import { Replication, replicate } from "../replicate";
import { GATEWAY_PORTS, GATEWAY_SELECTOR, GATEWAY_SERVICE, INGRESS_NAMESPACE } from "./ingress";
import { WebhookUpstream, webhookUpstreams } from "./webhooks";

/**
 * nginx built to run as uid 101 on an unprivileged port (nginxinc/docker-nginx-unprivileged),
 * pinned by digest: the tag is for the reader, the digest is what the kubelet pulls.
 */
export const GATEWAY_IMAGE =
  "docker.io/nginxinc/nginx-unprivileged:1.28.2@sha256:04e56c3270e97da2b8fe2c1664cac35eeaa18c490bb8565df558989a4f43a431";
/** uid/gid of the `nginx` user in that image. */
const NGINX_UID = 101;
/** nginx.conf: the same whatever the role, so a promotion restarts no pod. */
const CONFIG_DIR = "/etc/gateway/config";
/** The traffic layer's answers (fleet/traffic.ts, HEALTH_ANSWERS): one file per "yes". */
const ANSWERS_DIR = "/etc/gateway/answers";
const TEMP_DIR = "/tmp";
/** Written at start from the pod's /etc/resolv.conf, so nginx resolves the webhook upstreams per request. */
const RESOLVER_FILE = `${TEMP_DIR}/resolver.conf`;

/**
 * The whole nginx configuration. The live path answers 200 whenever nginx runs (pod probes
 * and the NLB target group check it). The serving and takeover paths serve their answer's
 * file from the mounted ConfigMap with 200, or 503 when Git says "no" (the file is absent):
 * nginx looks the file up on every request (there is no open_file_cache), so the kubelet
 * updating the mount is the switch. The agents' webhook paths go to their Services;
 * everything else is 404. Every path nginx writes is under the emptyDir at /tmp, so the
 * root filesystem stays read-only; logs go to stdout/stderr.
 */
export function gatewayConfig(healthCheckPath: string, webhooks: readonly WebhookUpstream[] = []): string {
  const paths = healthPaths(healthCheckPath);
  const answer = (path: string, key: string) => `    location = ${path} { access_log off; root ${ANSWERS_DIR}; try_files /${key} @no; }`;
  const webhook = (w: WebhookUpstream, i: number) => [
    `    location ${w.exact ? "= " : ""}${w.path} {`,
    "      limit_except POST { deny all; }",
    // GitHub caps payloads at 25 MB; streamed to the agent, so nothing lands in the small /tmp.
    "      client_max_body_size 25m;",
    "      proxy_request_buffering off;",
    // A variable makes nginx resolve the name per request: no start-up dependency on the agent.
    `      set $webhook_${i} ${w.url};`,
    `      proxy_pass $webhook_${i};`,
    "    }",
  ];
  return [
    "worker_processes 1;",
    `pid ${TEMP_DIR}/nginx.pid;`,
    "error_log stderr warn;",
    "events { worker_connections 1024; }",
    "http {",
    "  server_tokens off;",
    "  default_type text/plain;",
    "  access_log /dev/stdout;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${TEMP_DIR}/${t}_temp;`),
    `  include ${RESOLVER_FILE};`,
    "  server {",
    `    listen ${GATEWAY_PORTS.http} default_server;`,
    `    location = ${paths.live} { access_log off; return 200 "alive\\n"; }`,
    answer(paths.serving, HEALTH_ANSWERS.keys.serving),
    answer(paths.takeover, HEALTH_ANSWERS.keys.takeover),
    `    location @no { access_log off; return 503 "no\\n"; }`,
    ...webhooks.flatMap(webhook),
    `    location / { return 404 "not found\\n"; }`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Writes nginx's `resolver` from the pod's nameservers (IPv6 ones bracketed, as nginx wants
 * them), then runs nginx in the foreground, skipping the image's entrypoint scripts (they
 * try to rewrite files under /etc).
 */
export const GATEWAY_COMMAND: readonly string[] = [
  "sh",
  "-c",
  `awk '/^nameserver/ { a = $2; if (a ~ /:/) a = "[" a "]"; s = s " " a } END { print "resolver" s " valid=30s ipv6=off;" }' /etc/resolv.conf > ${RESOLVER_FILE} && exec nginx -c ${CONFIG_DIR}/nginx.conf -g 'daemon off;'`,
];

/**
 * The builtin gateway (`dns.gateway: builtin`): a small, hardened nginx in every cluster,
 * standbys included, whose health answers are the cluster's role as the tree says it
 * (charts/platform/traffic.ts) and whose liveness is real everywhere. Two replicas spread
 * over zones and nodes, a PodDisruptionBudget, probes on the live path, and a pod that
 * passes Pod Security `restricted`. Replace it with your own gateway by setting
 * `dns.gateway: external` (the Service, the bindings and the answers stay).
 */
export function gatewayReplication(fleet: FleetSpec): Replication {
  return replicate("ingress-gateway", (scope, { cluster }) => {
    const config = gatewayConfig(fleet.dns.healthCheckPath, webhookUpstreams(fleet, cluster));
    const labels = { ...GATEWAY_SELECTOR, "app.kubernetes.io/component": "gateway", "app.kubernetes.io/part-of": "eks-fleet" };
    const metadata = { name: GATEWAY_SERVICE, namespace: INGRESS_NAMESPACE, labels };
    const probe = (periodSeconds: number, failureThreshold: number): k8s.Probe => ({
      // Liveness, not the role: a standby's gateway is healthy and stays Ready.
      httpGet: { path: healthPaths(fleet.dns.healthCheckPath).live, port: k8s.IntOrString.fromString("http") },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 2,
    });
    const spread = (topologyKey: string): k8s.TopologySpreadConstraint => ({
      topologyKey,
      maxSkew: 1,
      // Spread when possible, but never leave a replica pending (a lost zone must not block scheduling).
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: { ...GATEWAY_SELECTOR } },
    });

    new k8s.KubeServiceAccount(scope, "service-account", { metadata, automountServiceAccountToken: false });
    new k8s.KubeConfigMap(scope, "config", { metadata, data: { "nginx.conf": config } });
    new k8s.KubeDeployment(scope, "deployment", {
      metadata,
      spec: {
        replicas: 2,
        selector: { matchLabels: { ...GATEWAY_SELECTOR } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          // A config change rolls the pods (a mounted ConfigMap alone would not reload nginx).
          metadata: { labels, annotations: { "eks-fleet.io/config-sha256": createHash("sha256").update(config).digest("hex").slice(0, 16) } },
          spec: {
            serviceAccountName: GATEWAY_SERVICE,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: NGINX_UID, runAsGroup: NGINX_UID, seccompProfile: { type: "RuntimeDefault" } },
            topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: "nginx",
                image: GATEWAY_IMAGE,
                command: [...GATEWAY_COMMAND],
                ports: [{ name: "http", containerPort: GATEWAY_PORTS.http, protocol: "TCP" }],
                readinessProbe: probe(5, 2),
                livenessProbe: probe(10, 3),
                // Keep serving while the NLB deregisters the pod, then stop.
                lifecycle: { preStop: { exec: { command: ["sleep", "15"] } } },
                resources: {
                  requests: { cpu: k8s.Quantity.fromString("50m"), memory: k8s.Quantity.fromString("32Mi") },
                  limits: { cpu: k8s.Quantity.fromString("250m"), memory: k8s.Quantity.fromString("64Mi") },
                },
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [
                  { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                  { name: "answers", mountPath: ANSWERS_DIR, readOnly: true },
                  { name: "tmp", mountPath: TEMP_DIR },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: GATEWAY_SERVICE } },
              // The kubelet updates it in place when the traffic layer changes (no restart). Optional:
              // until the traffic layer first applies, every answer is "no".
              { name: "answers", configMap: { name: HEALTH_ANSWERS.name, optional: true } },
              { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: k8s.Quantity.fromString("16Mi") } },
            ],
          },
        },
      },
    });
    new k8s.KubePodDisruptionBudget(scope, "disruption-budget", {
      metadata,
      spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...GATEWAY_SELECTOR } } },
    });
  });
}
