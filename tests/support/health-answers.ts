import * as YAML from "yaml";
import type { RenderedFile } from "../../charts";
import { FleetSpec, healthPaths, HEALTH_ANSWERS } from "../../fleet";

export type HealthPath = "serving" | "takeover" | "live";

/**
 * What a cluster's gateway answers on one of its health paths, read from the rendered tree
 * the way the gateway reads it: with the builtin gateway, the `location` nginx.conf has for
 * the path (a fixed `return`, or `try_files /<key>` on the mounted answers, 503 when the key
 * is absent); with your own gateway, the contract's keys of the traffic layer's ConfigMap.
 * No answer found (a path the config does not route) is 404, as nginx's catch-all says.
 */
export function renderedAnswer(fleet: FleetSpec, files: readonly RenderedFile[], cluster: string, path: HealthPath): number {
  const parsed = (file: string) => {
    const found = files.find((f) => f.path === file);
    return found ? YAML.parse(found.content) : undefined;
  };
  const answers = parsed(`clusters/${cluster}/traffic/configmap-${HEALTH_ANSWERS.namespace}-${HEALTH_ANSWERS.name}.yaml`);
  const has = (key: string) => (answers?.data ?? {})[key] !== undefined;
  if (fleet.dns.gateway === "external") return path === "live" ? 200 : has(HEALTH_ANSWERS.keys[path]) ? 200 : 503;

  const conf: string = parsed(`clusters/${cluster}/platform/configmap-ingress-ingress-gateway.yaml`).data["nginx.conf"];
  const location = conf.split("\n").find((line) => line.trim().startsWith(`location = ${healthPaths(fleet.dns.healthCheckPath)[path]} {`));
  if (!location) return 404;
  const fixed = location.match(/return (\d{3}) /);
  if (fixed) return Number(fixed[1]);
  const file = location.match(/try_files \/([\w.-]+) @no;/);
  if (!file) throw new Error(`unreadable location: ${location}`);
  return has(file[1]) ? 200 : 503;
}
