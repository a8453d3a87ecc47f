import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperty } from "@pulumi/pulumi/runtime/rpc";
import { mockCall, mockState, ReplaceOptions } from "./mock-state";
import { awsProviderCall, providerName, RegionUnavailableError } from "./outage";

/** One registered resource, as the engine received it. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  readonly region: string | null;
  /**
   * What the engine waits for before creating this resource: the dependencies the SDK sends
   * (explicit `dependsOn` plus those derived from Output inputs, sdk/nodejs/runtime/resource.ts)
   * and the resource's providers, which the engine also creates first.
   */
  readonly dependsOn: string[];
  /** Inputs with secrets replaced by "[secret]" and resource references by their URN. */
  readonly inputs: Record<string, unknown>;
  /**
   * Per input property, the resources whose outputs flow into it (the SDK's property
   * dependencies): what a changed value came from. Only properties that have any.
   */
  readonly propertyDependencies?: Record<string, string[]>;
  /** The `protect` and `retainOnDelete` resource options, present only when set. */
  readonly protect?: true;
  readonly retainOnDelete?: true;
  /** The resource options that change how the engine diffs and replaces it, present only when set. */
  readonly ignoreChanges?: string[];
  readonly replaceOnChanges?: string[];
  readonly replacementTrigger?: unknown;
  readonly replaceWith?: string[];
  readonly deleteBeforeReplace?: true;
  /** URNs the resource was known by (the `aliases` option), present only when set: state under them is this resource's. */
  readonly aliases?: string[];
}

// Sigils of the Pulumi wire format (sdk/nodejs/runtime/rpc.ts).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The SDK's mock monitor, extended to keep what `plan.json` needs and the plain mocks
 * drop: the parent of every resource, its region, and which inputs are secret. This is the
 * reference engine; `FastMonitor` (fast-monitor.ts) answers the same requests without the
 * protobuf round trips and must record exactly the same (tests/cli/fidelity.test.ts).
 */
export class RecordingMonitor extends MockMonitor {
  readonly recorded = new Map<string, RecordedResource>();
  /** The first call the program made into an unavailable region (`--unavailable`), if any. */
  outageHit?: RegionUnavailableError;
  private nextRegion = "";
  private nextOptions: ReplaceOptions | undefined;

  /** `unavailable`: regions whose calls fail as in an outage (cli/engine/outage.ts). */
  /** `stackOutputs`: what StackReferences read, by stack name (mock-state.ts). */
  constructor(
    protected readonly homeRegion: string,
    protected readonly accountId: string,
    protected readonly unavailable: ReadonlySet<string> = new Set(),
    protected readonly stackOutputs: ReadonlyMap<string, Record<string, unknown>> = new Map(),
  ) {
    super({
      newResource: (args) => mockState({ type: args.type, name: args.name, inputs: args.inputs, region: this.nextRegion, accountId, options: this.nextOptions, stackOutputs }),
      call: (args) => mockCall(args.token, args.inputs),
    });
  }

  async invoke(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const ref: string = req.getProvider();
    const region = this.regionOfRef(ref) ?? (req.getTok().startsWith("aws:") ? this.homeRegion : null);
    if (region && this.unavailable.has(region)) {
      return callback(this.refuse(region, `the data source ${req.getTok()}${ref ? ` through provider ${providerName(ref)}` : ""} calls ${region} on every run`), undefined);
    }
    return super.invoke(req, callback);
  }

  async readResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const ref: string = req.getProvider();
    const region = this.regionOfRef(ref) ?? (req.getType().startsWith("aws:") ? this.homeRegion : null);
    if (region && this.unavailable.has(region)) {
      return callback(this.refuse(region, `reading ${req.getType()} ${req.getName()}${ref ? ` through provider ${providerName(ref)}` : ""} calls ${region} on every run`), undefined);
    }
    // A StackReference is a read the engine keeps in the stack's state (an external resource):
    // recorded like a resource, so what waits on another stack's outputs shows whose.
    if (req.getType() !== "pulumi:pulumi:StackReference") return super.readResource(req, callback);
    const inputs = req.getProperties()?.toJavaScript() ?? {};
    return super.readResource(req, (err: any, response: any) => {
      if (!err) {
        const urn: string = response.getUrn();
        this.recorded.set(urn, { urn, type: req.getType(), name: req.getName(), parent: req.getParent() || null, custom: true, region: null, dependsOn: [], inputs: { name: inputs.name } });
      }
      callback(err, response);
    });
  }

  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const raw = req.getObject().toJavaScript() as Record<string, unknown>;
    const parent: string = req.getParent() || null;
    const region = this.regionOf(req, raw, parent);
    const refused = this.outageOf(req, raw, region);
    if (refused) return callback(refused, undefined);
    // MockMonitor calls `newResource` before its first await, so these hints are still ours.
    this.nextRegion = region ?? this.homeRegion;
    this.nextOptions = this.replaceOptions(req);
    return super.registerResource(req, (err: any, response: any) => {
      if (!err) this.record(response.getUrn(), req, raw, parent, region);
      callback(err, response);
    });
  }

  protected record(urn: string, req: any, raw: Record<string, unknown>, parent: string | null, region: string | null): void {
    this.recorded.set(urn, {
      urn,
      type: req.getType(),
      name: req.getName(),
      parent,
      custom: req.getCustom(),
      region,
      dependsOn: dependenciesOf(req),
      inputs: redact(req.getType().startsWith("pulumi:providers:") ? redactProviderCredentials(raw) : raw) as Record<string, unknown>,
      ...this.propertyDependenciesOf(req),
      ...(req.getProtect() ? { protect: true as const } : {}),
      ...(req.getRetainondelete() ? { retainOnDelete: true as const } : {}),
      ...(req.getIgnorechangesList().length ? { ignoreChanges: [...req.getIgnorechangesList()] } : {}),
      ...(req.getReplaceonchangesList().length ? { replaceOnChanges: [...req.getReplaceonchangesList()] } : {}),
      ...(req.hasReplacementTrigger() ? { replacementTrigger: redact(req.getReplacementTrigger().toJavaScript()) } : {}),
      ...(req.getReplaceWithList().length ? { replaceWith: [...req.getReplaceWithList()].sort() } : {}),
      ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true as const } : {}),
      ...this.aliasesOf(req, parent),
    });
  }

  /**
   * The SDK's property dependencies, and under `replacementTrigger` the resource whose ID the
   * trigger is (the request carries the trigger's value, not where it came from).
   */
  private propertyDependenciesOf(req: any): { propertyDependencies?: Record<string, string[]> } {
    const found: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
      const urns: string[] = deps.getUrnsList();
      if (urns.length) found[key] = [...new Set(urns)].sort();
    });
    const trigger = req.hasReplacementTrigger() ? deserializeProperty(req.getReplacementTrigger().toJavaScript()) : undefined;
    if (typeof trigger === "string") {
      const resources: Map<string, { id: string | null }> = (this as any).resources;
      const source = [...resources.entries()].find(([, r]) => r.id === trigger)?.[0];
      if (source) found.replacementTrigger = [source];
    }
    return Object.keys(found).length ? { propertyDependencies: found } : {};
  }

  /**
   * The options besides the provider's rules that replace a resource, as the mock state needs
   * them: `replaceWith` resources by their current ID, so their replacement changes this one's identity.
   */
  protected replaceOptions(req: any): ReplaceOptions | undefined {
    const replaceOnChanges: string[] = req.getReplaceonchangesList();
    const replaceWith: string[] = req.getReplaceWithList();
    const trigger = req.hasReplacementTrigger() ? deserializeProperty(req.getReplacementTrigger().toJavaScript()) : undefined;
    if (!replaceOnChanges.length && !replaceWith.length && trigger === undefined) return undefined;
    const resources: Map<string, { id: string | null }> = (this as any).resources;
    return { replaceOnChanges, replacementTrigger: trigger, replaceWith: replaceWith.map((urn) => resources.get(urn)?.id ?? urn) };
  }

  /**
   * The `aliases` option as the URNs it names, in this engine's URN scheme (the SDK's mock URNs
   * carry the parent's type only). Without alias specs the SDK sends full URNs
   * (sdk/nodejs/runtime/resource.ts prepareResource, allAliases); with them, specs.
   */
  private aliasesOf(req: any, parent: string | null): { aliases?: string[] } {
    const specs = (req.getAliasesList() as any[]).map((alias) => {
      if (alias.getUrn()) return alias.getUrn() as string;
      const spec = alias.getSpec();
      const aliasParent = spec.getNoparent() ? null : spec.getParenturn() || parent;
      return (this as any).newUrn(aliasParent, spec.getType() || req.getType(), spec.getName() || req.getName()) as string;
    });
    const urns = [...(req.getAliasurnsList() as string[]), ...specs].map((urn) => {
      const [prefix, project, type, ...name] = urn.split("::");
      return [prefix, project, type.split("$").slice(-2).join("$"), ...name].join("::");
    });
    return urns.length ? { aliases: [...new Set(urns)].sort() } : {};
  }

  /**
   * The call registering this resource makes into an unavailable region, as the error to
   * answer with: configuring an AWS provider without the skip flags, or a remote component,
   * whose plugin runs its own code (lookups included) on every run.
   */
  protected outageOf(req: any, raw: Record<string, unknown>, region: string | null): RegionUnavailableError | undefined {
    if (this.unavailable.size === 0) return undefined;
    const type: string = req.getType();
    if (type === "pulumi:providers:aws") {
      const call = awsProviderCall(raw, String(raw.region ?? this.homeRegion), this.unavailable);
      if (call) return this.refuse(call.region, `provider ${req.getName()} ${call.why}`);
    } else if (req.getRemote() && region && this.unavailable.has(region)) {
      const why = type.startsWith("kubernetes:")
        ? `the Kubernetes provider builds on every run and refuses to build while its cluster in ${region} is unreachable`
        : `its provider plugin builds, calling ${region}, on every run`;
      return this.refuse(region, `${req.getName()} (${type}) is a component ${why}`);
    }
    return undefined;
  }

  /** Records the first call into an unavailable region and returns the error for the engine to answer with. */
  protected refuse(region: string, detail: string): RegionUnavailableError {
    const error = new RegionUnavailableError(region, detail);
    this.outageHit ??= error;
    return error;
  }

  /** The region of the provider behind a reference: an AWS provider's id, else the region recorded for it. */
  private regionOfRef(ref: string | undefined): string | null {
    if (!ref) return null;
    return regionOfProvider(ref) ?? this.recorded.get(ref.slice(0, ref.lastIndexOf("::")))?.region ?? null;
  }

  /** A resource's region: its own `region` input, else its provider's, else its parent's. */
  protected regionOf(req: any, raw: Record<string, unknown>, parent: string | null): string | null {
    if (typeof raw.region === "string" && req.getType().startsWith("aws:")) return raw.region;
    const provider = regionOfProvider(req.getProvider()) ?? regionOfProvider(req.getProvidersMap().get("aws"));
    if (provider) return provider;
    if (parent) return this.recorded.get(parent)?.region ?? null;
    return req.getType().startsWith("aws:") ? this.homeRegion : null;
  }
}

function dependenciesOf(req: any): string[] {
  const providers = [req.getProvider(), ...req.getProvidersMap().values()]
    .filter((ref: string) => ref)
    .map((ref: string) => ref.slice(0, ref.lastIndexOf("::")));
  return [...new Set<string>([...req.getDependenciesList(), ...providers])].sort();
}

/** A provider reference is `urn::id`; our mock gives AWS providers their region as id. */
function regionOfProvider(ref: string | undefined): string | undefined {
  if (!ref || !/[:$]pulumi:providers:aws::/.test(ref)) return undefined;
  const id = ref.split("::").pop();
  return id && /^[a-z]{2}(-[a-z]+)+-\d$/.test(id) ? id : undefined;
}

/**
 * The SDK sends provider inputs to the engine with their secret markers stripped, so
 * credentials a provider takes are redacted by name instead.
 */
const PROVIDER_CREDENTIALS = ["kubeconfig", "token", "accessKey", "secretKey", "password", "clientKeyData"];

function redactProviderCredentials(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, PROVIDER_CREDENTIALS.includes(k) ? "[secret]" : v]));
}

function redact(value: unknown): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return "[secret]";
    if (record[SIG_KEY] === RESOURCE_SIG) return record.urn;
    if (SIG_KEY in record) return "[asset]";
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}
