import { deserializeProperty, serializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { mockState } from "./mock-state";
import { RecordingMonitor } from "./recording-monitor";

// sdk/nodejs/proto/resource_pb.js: RegisterResourceResponse.Result.SUCCESS.
const RESULT_SUCCESS = 0;

/**
 * The recording monitor without the protobuf round trips of the SDK's MockMonitor: it reads
 * the request's inputs once (MockMonitor and the recorder each converted them), and answers
 * with the serialized state itself instead of a protobuf Struct the SDK converts straight
 * back (sdk/nodejs/runtime/resource.ts only calls the getters used here). Same URNs, ids,
 * state and records as the reference; tests/cli/fidelity.test.ts compares them.
 */
export class FastMonitor extends RecordingMonitor {
  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    try {
      const raw = req.getObject().toJavaScript() as Record<string, unknown>;
      const parent: string | null = req.getParent() || null;
      const type: string = req.getType();
      const name: string = req.getName();
      const region = this.regionOf(req, raw, parent);
      const refused = this.outageOf(req, raw, region);
      if (refused) return callback(refused, undefined);
      const urn: string = (this as any).newUrn(parent, type, name);
      // Recorded first: deserializing below may reuse parts of `raw`.
      this.record(urn, req, raw, parent, region);
      const inputs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) if (value !== undefined) inputs[key] = deserializeProperty(value);
      const result = mockState({ type, name, inputs, region: region ?? this.homeRegion, accountId: this.accountId, options: this.replaceOptions(req), stackOutputs: this.stackOutputs });
      const state = await serializeProperties("", result.state);
      this.resources.set(urn, { urn, id: result.id ?? null, state });
      callback(null, {
        getUrn: () => urn,
        getId: () => result.id || "",
        getObject: () => ({ toJavaScript: () => state }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => RESULT_SUCCESS,
      });
    } catch (err) {
      callback(err, undefined);
    }
  }
}
