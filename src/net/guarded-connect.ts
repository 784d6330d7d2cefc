// The SSRF guard where it meets the network, and its one entry point for
// sending: the guarded agent checks every request's URL (an IP-literal host
// never reaches a lookup), resolves names once, checks every address, and
// connects to the address that was checked, so a DNS answer cannot change
// between the check and the connect. Whatever sends through it (a delivery
// attempt, a test send) needs no check of its own.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { checkAddress, checkUrl, type AddressPolicy } from '../delivery/url-guard.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** How host names become addresses; the system resolver unless a test gives a hosts table. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** A delivery target the guard refuses: never retried, the answer will not change by waiting. */
export class ForbiddenTargetError extends Error {
  constructor(reason: string) {
    super(`refused by the SSRF guard: ${reason}`);
    this.name = 'ForbiddenTargetError';
  }
}

/** Resolves `hostname` and refuses it if ANY of its addresses is forbidden (no mixing public and private answers). */
export async function resolveAllowed(hostname: string, policy: AddressPolicy, resolve: Resolver): Promise<ResolvedAddress[]> {
  const addresses = await resolve(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} has no addresses`);
  for (const { address } of addresses) {
    const verdict = checkAddress(address, policy);
    if (!verdict.allowed) throw new ForbiddenTargetError(`${hostname} resolves to ${verdict.reason}`);
  }
  return addresses;
}

/**
 * For subscription create/update: a clear error now rather than a dead letter
 * later. A name that does not resolve yet is let through (the receiver may not
 * exist yet); delivery checks again, on every connection.
 */
export async function refusalForUrl(url: string, policy: AddressPolicy, resolve: Resolver): Promise<string | undefined> {
  const verdict = checkUrl(url, policy);
  if (!verdict.allowed) return verdict.reason;
  if (verdict.ipLiteral !== undefined) return undefined;
  try {
    await resolveAllowed(verdict.hostname, policy, resolve);
    return undefined;
  } catch (error) {
    return error instanceof ForbiddenTargetError ? error.message : undefined;
  }
}

/** A `lookup` for net/tls.connect that only ever yields checked addresses. */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy, resolve).then(
      (addresses) => {
        const first = addresses[0]!;
        if ((options as { all?: boolean }).all) {
          (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, addresses);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

/**
 * The delivery HTTP client: keep-alive per receiver host, the URL checked on
 * every request and the guarded lookup on every new connection.
 */
export function createGuardedAgent(policy: AddressPolicy, resolve: Resolver = systemResolver): Agent {
  return new GuardedAgent(policy, {
    keepAliveTimeout: 10_000,
    connections: 32,
    connect: { lookup: guardedLookup(policy, resolve) },
  });
}

/** Refuses a request whose URL the policy forbids before any connection: Node skips `lookup` for IP literals. */
class GuardedAgent extends Agent {
  constructor(
    private readonly policy: AddressPolicy,
    options: Agent.Options,
  ) {
    super(options);
  }

  override dispatch(options: Agent.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // The origin holds all the guard looks at: scheme and host.
    const verdict = checkUrl(String(options.origin), this.policy);
    // Thrown here, undici's request() rejects with it: no socket is opened.
    if (!verdict.allowed) throw new ForbiddenTargetError(verdict.reason);
    return super.dispatch(options, handler);
  }
}
