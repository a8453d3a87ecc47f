import * as ipaddr from "ipaddr.js";

/** An IPv4 network as a numeric range, for overlap checks and subnet carving. */
export interface Ipv4Network {
  readonly base: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; returns an error message instead of throwing. */
export function parseIpv4Cidr(cidr: string): Ipv4Network | string {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) return `'${cidr}' is not an IPv4 CIDR block`;
  // ipaddr.js also reads octal and hex parts (`010.0.0.0` is 8.0.0.0); AWS reads decimal only.
  if (!/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}\/(0|[1-9]\d?)$/.test(cidr)) {
    return `'${cidr}' must be written in plain decimal (a.b.c.d/n, no leading zeros)`;
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const base = toNumber(address.toByteArray());
  if (base % size(prefix) !== 0) return `'${cidr}' has host bits set (network address is ${format(base - (base % size(prefix)), prefix)})`;
  return { base, prefix };
}

export function overlaps(a: Ipv4Network, b: Ipv4Network): boolean {
  return a.base < b.base + size(b.prefix) && b.base < a.base + size(a.prefix);
}

/** The `index`-th block of length `prefix` inside `network`, skipping `offset` addresses. */
export function carve(network: Ipv4Network, prefix: number, index: number, offset = 0): string {
  return format(network.base + offset + index * size(prefix), prefix);
}

export function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

function toNumber(bytes: number[]): number {
  return bytes.reduce((acc, byte) => acc * 256 + byte, 0);
}

function format(base: number, prefix: number): string {
  const bytes = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
  return `${bytes.join(".")}/${prefix}`;
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Ipv4Network, inner: Ipv4Network): boolean {
  return outer.base <= inner.base && inner.base + size(inner.prefix) <= outer.base + size(outer.prefix);
}
