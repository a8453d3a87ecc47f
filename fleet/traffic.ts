import { GATEWAY_NAMESPACE } from "./names";

/**
 * What each cluster's gateway answers, and where Git says it. Git is the failover switch:
 * the answers are rendered per cluster into the GitOps tree, health checks read them, and
 * no record, endpoint group or other AWS resource depends on roles.
 *
 * - `serving` (`dns.healthCheckPath`): 200 while the cluster serves (the primary, or every
 *   cluster of an active-active fleet), 503 otherwise. Route 53's PRIMARY answer and
 *   Global Accelerator check it.
 * - `takeover` (`<healthCheckPath>/takeover`): 200 on the one standby designated to take
 *   over from the primary, 503 elsewhere. Route 53's SECONDARY answer checks it.
 * - `live` (`<healthCheckPath>/live`): 200 whenever the gateway runs, whatever the role.
 *   Pod probes and the NLB target group check it: a standby's gateway is healthy, only its
 *   answers say "not serving".
 */
export function healthPaths(healthCheckPath: string): { readonly serving: string; readonly takeover: string; readonly live: string } {
  const base = healthCheckPath.replace(/\/+$/, "");
  return { serving: healthCheckPath, takeover: `${base}/takeover`, live: `${base}/live` };
}

/**
 * The ConfigMap holding a cluster's answers (in the traffic layer of the tree): a key is
 * present exactly when its answer is "yes". Mounted into the gateway, so a promotion
 * changes files the gateway reads on every request, without restarting a pod.
 */
export const HEALTH_ANSWERS = { name: "health-answers", namespace: GATEWAY_NAMESPACE, keys: { serving: "serving", takeover: "takeover" } } as const;

/**
 * The Secret (created out of band, never in Git or in Pulumi's state) holding the shared
 * token of the Git provider's push webhook, key `token`: in `flux-system` on every cluster
 * (Flux's Receiver), in `argocd` on every hub (Argo CD's `webhook.github.secret` refers to it).
 */
export const WEBHOOK_SECRET = { name: "gitops-webhook", key: "token" } as const;

/** Paths on each cluster's hostname that the gateway hands to the GitOps agent's webhook endpoint. */
export const WEBHOOK_PATHS = {
  /** Flux notification-controller: `/hook/<sha256 of token + Receiver name + namespace>`. */
  flux: "/hook/",
  /** Argo CD server (hubs only). */
  argocd: "/api/webhook",
} as const;
