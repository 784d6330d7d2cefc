/**
 * The SSRF guard's pure logic: which URLs and IP addresses a delivery may
 * connect to. No DNS, no network, no environment — the caller resolves names
 * and feeds every resolved address through checkAddress before connecting.
 */
import ipaddr from 'ipaddr.js';

type IP = ipaddr.IPv4 | ipaddr.IPv6;

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

export type UrlVerdict = { allowed: true; hostname: string; ipLiteral: string | undefined } | { allowed: false; reason: string };

/** One allowlist entry; `text` is the normalised "address/prefix" for logs and errors. */
export interface AllowedCidr {
  readonly text: string;
  readonly address: IP;
  readonly prefixLength: number;
}

/** A parsed allowlist of CIDRs that re-open forbidden ranges on purpose (e.g. "127.0.0.0/8", "10.1.0.0/16", "::1/128"). */
export interface AddressPolicy {
  allowedCidrs: ReadonlyArray<AllowedCidr>;
  httpsOnly: boolean;
}

// Written out rather than derived from ipaddr's range() so the list is
// reviewable and tested; order matters only where ranges nest
// (255.255.255.255 sits inside 240.0.0.0/4 and gets the more specific name).
const FORBIDDEN: ReadonlyArray<readonly [cidr: string, description: string]> = [
  ['0.0.0.0/8', 'an unspecified ("this network") address'],
  ['10.0.0.0/8', 'a private (RFC 1918) address'],
  ['100.64.0.0/10', 'a carrier-grade NAT (shared) address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address (cloud metadata lives here)'],
  ['172.16.0.0/12', 'a private (RFC 1918) address'],
  ['192.0.0.0/24', 'an IETF protocol assignment address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.168.0.0/16', 'a private (RFC 1918) address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['255.255.255.255/32', 'the broadcast address'],
  ['240.0.0.0/4', 'a reserved address'],
  ['::/128', 'the unspecified address'],
  ['::1/128', 'a loopback address'],
  ['fe80::/10', 'a link-local address'],
  ['fc00::/7', 'a unique local address (AWS metadata lives at fd00:ec2::254)'],
  ['ff00::/8', 'a multicast address'],
  ['2001:db8::/32', 'a documentation address'],
  ['100::/64', 'a discard-only address'],
  ['192.88.99.0/24', 'a deprecated 6to4 relay anycast address'],
  ['fec0::/10', 'a deprecated site-local address'],
  ['64:ff9b:1::/48', 'a local-use NAT64 address'],
  ['2001::/32', 'a Teredo tunnel address'],
  ['2001:2::/48', 'a benchmarking address'],
  ['3fff::/20', 'a documentation address'],
  ['5f00::/16', 'a segment-routing (SRv6) address'],
];

const forbiddenRanges = FORBIDDEN.map(([cidr, description]) => ({
  range: ipaddr.parseCIDR(cidr),
  description,
}));

// IPv6 prefixes that carry an IPv4 address which the kernel, a NAT64 gateway
// or a 6to4 relay will end up talking to; the IPv4 decides the verdict.
const EMBEDDINGS: ReadonlyArray<{ range: [IP, number]; label: string; v4: (p: number[]) => [number, number] }> = [
  { range: ipaddr.parseCIDR('::ffff:0:0/96'), label: 'IPv4-mapped', v4: (p) => [p[6] ?? 0, p[7] ?? 0] },
  { range: ipaddr.parseCIDR('64:ff9b::/96'), label: 'NAT64', v4: (p) => [p[6] ?? 0, p[7] ?? 0] },
  { range: ipaddr.parseCIDR('2002::/16'), label: '6to4', v4: (p) => [p[1] ?? 0, p[2] ?? 0] },
  // Deprecated IPv4-compatible form (::a.b.c.d); :: and ::1 match the table first.
  { range: ipaddr.parseCIDR('::/96'), label: 'IPv4-compatible', v4: (p) => [p[6] ?? 0, p[7] ?? 0] },
];

function inRange(address: IP, [network, bits]: readonly [IP, number]): boolean {
  // ipaddr's match() throws when the kinds differ.
  if (address.kind() !== network.kind()) return false;
  return address.kind() === 'ipv4' ? (address as ipaddr.IPv4).match(network, bits) : (address as ipaddr.IPv6).match(network, bits);
}

/**
 * Strict parse: dotted-quad decimal IPv4 or plain IPv6 (no zone id). ipaddr.parse
 * alone would also take "0177.1" or "2130706433", and resolvers never return
 * those, so refusing them costs nothing and avoids disagreeing with a later parser.
 */
function parseStrict(text: string): IP | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes('%')) return undefined;
  // ipaddr.js reads a trailing dotted quad leniently (octal/hex parts) and turns
  // "::a.b.c.d" into ::ffff:a.b.c.d rather than ::a.b.c.d (RFC 4291), so the
  // quad is rewritten as two hex groups before ipaddr sees it.
  const dotted = /^(.*:)([^:]*\.[^:]*)$/.exec(text);
  if (dotted) {
    const [, head = '', quad = ''] = dotted;
    if (!ipaddr.IPv4.isValidFourPartDecimal(quad)) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(quad).octets;
    text = `${head}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : undefined;
}

function describeForbidden(address: IP): string | undefined {
  return forbiddenRanges.find((f) => inRange(address, f.range))?.description;
}

/** Parses comma-separated CIDRs (whitespace tolerated, a bare address means /32 or /128). Throws an Error naming the bad entry. Empty string → []. */
export function parseCidrList(value: string): AddressPolicy['allowedCidrs'] {
  const result: AllowedCidr[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue; // tolerate "a, b," and a blank setting
    const [addressText = '', prefixText, ...extra] = entry.split('/');
    const bad = (why: string): Error => new Error(`Invalid CIDR "${entry}" in address allowlist: ${why}`);
    const address = parseStrict(addressText);
    if (address === undefined) throw bad(`"${addressText}" is not a dotted-decimal IPv4 or an IPv6 address`);
    if (extra.length > 0) throw bad('more than one "/"');
    const max = address.kind() === 'ipv4' ? 32 : 128;
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw bad(`prefix length "${prefixText}" is not a number`);
    const prefixLength = prefixText === undefined ? max : Number(prefixText);
    if (prefixLength > max) throw bad(`prefix length must be 0-${max} for ${address.kind() === 'ipv4' ? 'IPv4' : 'IPv6'}`);
    result.push({ text: `${address.toString()}/${prefixLength}`, address, prefixLength });
  }
  return result;
}

export function createAddressPolicy(options: { allowedCidrs?: string; httpsOnly?: boolean }): AddressPolicy {
  return { allowedCidrs: parseCidrList(options.allowedCidrs ?? ''), httpsOnly: options.httpsOnly ?? false };
}

/** Whether a delivery may connect to this IP address (v4 or v6 string as DNS would return it). */
export function checkAddress(address: string, policy: AddressPolicy): AddressVerdict {
  const parsed = parseStrict(address);
  if (parsed === undefined) return { allowed: false, reason: `"${address}" is not an IP address` };

  // The address itself, plus the IPv4 it embeds if any: both are what the
  // connection may reach, so either can be forbidden and either can be allowlisted.
  const candidates: Array<{ ip: IP; via?: string }> = [{ ip: parsed }];
  const direct = describeForbidden(parsed);
  if (direct === undefined && parsed.kind() === 'ipv6') {
    const embedding = EMBEDDINGS.find((e) => inRange(parsed, e.range));
    if (embedding !== undefined) {
      const [hi, lo] = embedding.v4((parsed as ipaddr.IPv6).parts);
      const v4 = new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
      candidates.push({ ip: v4, via: embedding.label });
    }
  }

  let reason: string | undefined;
  for (const { ip, via } of candidates) {
    const description = describeForbidden(ip);
    if (description === undefined) continue;
    reason = via === undefined ? `${address} is ${description}` : `${address} embeds ${ip.toString()} (${via}), which is ${description}`;
    break;
  }
  if (reason === undefined) return { allowed: true };

  const reopened = policy.allowedCidrs.some((c) => candidates.some(({ ip }) => inRange(ip, [c.address, c.prefixLength])));
  return reopened ? { allowed: true } : { allowed: false, reason };
}

/**
 * Checks a URL before any DNS: scheme, and the address when the host is an
 * IP literal. Userinfo is allowed. The WHATWG parser has already turned
 * octal/hex/short IPv4 spellings into dotted decimal and bracketed IPv6, so
 * a literal is recognisable here; any other host is a DNS name whose
 * resolved addresses the caller must check with checkAddress.
 */
export function checkUrl(url: string, policy: AddressPolicy): UrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, reason: 'not a valid URL' };
  }
  const allowedSchemes = policy.httpsOnly ? ['https:'] : ['http:', 'https:'];
  if (!allowedSchemes.includes(parsed.protocol)) {
    const expected = policy.httpsOnly ? 'https' : 'http or https';
    return { allowed: false, reason: `scheme "${parsed.protocol.slice(0, -1)}" is not allowed (expected ${expected})` };
  }
  const { hostname } = parsed;
  if (hostname === '') return { allowed: false, reason: 'URL has no host' };

  let ipLiteral: string | undefined;
  if (hostname.startsWith('[') && hostname.endsWith(']')) ipLiteral = hostname.slice(1, -1);
  else if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) ipLiteral = hostname;

  if (ipLiteral !== undefined) {
    const verdict = checkAddress(ipLiteral, policy);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true, hostname, ipLiteral };
}
