import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyAddress from 'proxy-addr';

/**
 * What an address is reported as when the socket no longer knows it (it closed meanwhile), or when the
 * X-Forwarded-For entry read is not an IP address: never a client's text as a key, whatever its length.
 */
const UNKNOWN = 'unknown';

/**
 * The address of the client that sent `request`: the socket's remote address, or, behind `trustedProxies`
 * reverse proxies (TRUST_PROXY), the X-Forwarded-For entry that many hops back from it. Entries further left are
 * whatever the client wrote, so they are never read; with 0 trusted proxies the header is ignored altogether.
 * An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is given as its IPv4 address.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string {
  if (request.socket?.remoteAddress === undefined) return UNKNOWN;
  // proxy-addr's hop-count trust, as Express's `trust proxy` with a number: the first `trustedProxies`
  // addresses from the socket inwards are proxies.
  return canonical(proxyAddress(request, (_address, hop) => hop < trustedProxies));
}

/**
 * The key that per-address limits count under: the address itself for IPv4, its /64 network for IPv6 (one
 * subscriber routinely holds a whole /64, so counting each of its addresses apart would bound nothing).
 */
export function addressKey(address: string | undefined): string {
  if (address === undefined || !ipaddr.isValid(address)) return UNKNOWN;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`);
  return `${network.toString()}/64`;
}

function canonical(address: string | undefined): string {
  return address !== undefined && ipaddr.isValid(address) ? ipaddr.process(address).toString() : UNKNOWN;
}
