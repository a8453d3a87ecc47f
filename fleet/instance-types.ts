/**
 * The processor architecture of an EC2 instance type, read from its name: the letters after
 * the generation digit name its extra capabilities, and `g` is "AWS Graviton processors"
 * (Amazon EC2 Instance Types guide, "Instance type naming conventions"); `a1` is the first
 * Graviton generation. Everything else (Intel, AMD) is x86-64.
 */
export type Architecture = "arm64" | "x86_64";

export function architectureOf(instanceType: string): Architecture {
  const match = /^([a-z]+)(\d+)([a-z0-9-]*)\./.exec(instanceType);
  if (!match) return "x86_64";
  const [, family, generation, capabilities] = match;
  return capabilities.includes("g") || (family === "a" && generation === "1") ? "arm64" : "x86_64";
}

/**
 * The EKS-optimized Amazon Linux 2023 AMI type of a managed node group of these types, or
 * undefined when they mix architectures (a node group runs one AMI: EKS API Reference,
 * CreateNodegroup `amiType`; AL2023_x86_64_STANDARD and AL2023_ARM_64_STANDARD).
 */
export function nodeAmiType(instanceTypes: readonly string[]): "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD" | undefined {
  const architectures = new Set(instanceTypes.map(architectureOf));
  if (architectures.size !== 1) return undefined;
  return architectures.has("arm64") ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}
