import type { ClusterSpec, FleetSpec } from "../../fleet";
import { AGENTS } from "../../fleet/names";
import { WEBHOOK_PATHS } from "../../fleet/traffic";

/** A GitOps agent's push-webhook endpoint that the gateway exposes on the cluster's hostname. */
export interface WebhookUpstream {
  /** The path on `<fleet>-<cluster>.<record>` (nginx prefix or exact match, see `exact`). */
  readonly path: string;
  readonly exact: boolean;
  /** Where the gateway sends it, resolved at request time (the Service may come later than the gateway). */
  readonly url: string;
  /** The pods behind that Service, for the gateway's egress NetworkPolicy. */
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podPort: number;
}

/**
 * The agents' webhook endpoints on this cluster, so a push reaches them in seconds instead
 * of at the next poll:
 * - Flux, every cluster: notification-controller's receiver Service `webhook-receiver`
 *   (port 80 → container port 9292, pods `app: notification-controller`; fluxcd-community
 *   helm-charts charts/flux2/templates/notification-controller-webhook-service.yaml);
 *   the chart's own `allow-webhooks` NetworkPolicy admits every namespace.
 * - Argo CD, hubs only: `argocd-server` at `/api/webhook` over HTTPS (its Service port 443 →
 *   container port 8080, pods `app.kubernetes.io/name: argocd-server`; argoproj/argo-helm
 *   charts/argo-cd; argoproj/argo-cd docs/operator-manual/webhook.md).
 */
export function webhookUpstreams(fleet: FleetSpec, cluster: ClusterSpec): WebhookUpstream[] {
  if (fleet.gitops.engine === "flux") {
    return [{
      path: WEBHOOK_PATHS.flux,
      exact: false,
      url: "http://webhook-receiver.flux-system.svc.cluster.local",
      namespace: AGENTS.flux.namespace,
      podLabels: { app: "notification-controller" },
      podPort: 9292,
    }];
  }
  if (cluster.argocdHub !== cluster.name) return [];
  return [{
    path: WEBHOOK_PATHS.argocd,
    exact: true,
    url: "https://argocd-server.argocd.svc.cluster.local",
    namespace: AGENTS.argocd.namespace,
    podLabels: { "app.kubernetes.io/name": "argocd-server" },
    podPort: 8080,
  }];
}
