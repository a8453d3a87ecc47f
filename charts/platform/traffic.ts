import { k8s } from "../k8s";
import { HEALTH_ANSWERS } from "../../fleet/traffic";
import type { ClusterSpec } from "../../fleet";
import { Replication, replicate } from "../replicate";

/** What a cluster answers on each health path, as Git says it: the failover switch. */
export function healthAnswersOf(cluster: ClusterSpec): { readonly serving: boolean; readonly takeover: boolean } {
  return { serving: cluster.serves, takeover: cluster.takeover };
}

/**
 * The traffic layer: one ConfigMap in the gateway's namespace whose keys are the answers
 * that are "yes" (`serving`, `takeover`). The gateway mounts it and serves a key's file with
 * 200, or 503 when it is absent; an external gateway reads the same keys
 * (docs/HIGH-AVAILABILITY.md, "Your own gateway"). A promotion changes only this object on each
 * cluster, in a layer of its own so that no failing object elsewhere in the tree holds the
 * switch back.
 */
export function healthAnswersReplication(): Replication {
  return replicate("health-answers", (scope, { cluster }) => {
    const answers = healthAnswersOf(cluster);
    new k8s.KubeConfigMap(scope, "answers", {
      metadata: {
        name: HEALTH_ANSWERS.name,
        namespace: HEALTH_ANSWERS.namespace,
        annotations: { "eks-fleet.io/answers": "a key is present when its health path answers 200; absent keys answer 503" },
      },
      data: Object.fromEntries(
        (Object.keys(HEALTH_ANSWERS.keys) as (keyof typeof HEALTH_ANSWERS.keys)[]).filter((k) => answers[k]).map((k) => [HEALTH_ANSWERS.keys[k], "yes\n"]),
      ),
    });
  }).inLayer("traffic");
}
