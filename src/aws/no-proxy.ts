// NO_PROXY as the AWS CLI and curl read it: which hosts withsecrets reaches without the proxy.
import { BlockList, isIP } from 'node:net';

/** One parsed NO_PROXY: `*` for every host, else names (with or without a port) and address ranges. */
export interface NoProxy {
  readonly everyHost: boolean;
  readonly names: readonly { readonly host: string; readonly port?: string }[];
  readonly ranges: BlockList;
}

/**
 * The entries of NO_PROXY, comma-separated, spaces ignored, case-insensitive (Python's proxy_bypass_environment,
 * which the AWS CLI uses, and curl):
 * - `*` matches every host;
 * - `example.com` and `.example.com` match example.com itself and every name under it, never `badexample.com`;
 * - `example.com:8443` does so only for port 8443;
 * - an IP address matches itself (`::1` or `[::1]`), and `10.0.0.0/8` or `fd00::/8` a range (as curl and requests;
 *   the AWS CLI itself compares addresses as text).
 */
export function parseNoProxy(value: string | undefined): NoProxy {
  const names: { host: string; port?: string }[] = [];
  const ranges = new BlockList();
  let everyHost = false;
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') {
      everyHost = true;
      continue;
    }
    const range = addressRange(entry);
    if (range !== undefined) {
      ranges.addSubnet(range.address, range.prefix, range.family);
      continue;
    }
    const { host, port } = splitHostPort(entry);
    names.push({ host: host.replace(/^\.+/, ''), ...(port === undefined ? {} : { port }) });
  }
  return { everyHost, names, ranges };
}

/** Whether a request to HOST:PORT goes without the proxy. `host` as in a URL (`[::1]` or `::1` alike). */
export function bypassesProxy(noProxy: NoProxy, host: string, port: string): boolean {
  if (noProxy.everyHost) return true;
  const hostname = unbracket(host.toLowerCase()).replace(/\.$/, '');
  const family = isIP(hostname);
  if (family !== 0 && noProxy.ranges.check(hostname, family === 6 ? 'ipv6' : 'ipv4')) return true;
  return noProxy.names.some(
    (name) =>
      (name.port === undefined || name.port === port) &&
      (hostname === name.host || (family === 0 && hostname.endsWith(`.${name.host}`))),
  );
}

/** `10.0.0.0/8` or `fd00::/8` as a subnet; a bare address is a subnet of its full length. */
function addressRange(
  entry: string,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, ...rest] = unbracket(entry).split('/');
  if (rest.length > 0) return undefined;
  const family = isIP(address);
  if (family === 0) return undefined;
  const full = family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? full : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(full)) || prefix > full) return undefined;
  return { address, prefix, family: family === 6 ? 'ipv6' : 'ipv4' };
}

/** `host:port`, `[v6]:port`, or a bare name or address (a bare IPv6 address has colons and no port). */
function splitHostPort(entry: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) {
    return { host: bracketed[1] as string, ...(bracketed[2] === undefined ? {} : { port: bracketed[2] }) };
  }
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort !== null) return { host: withPort[1] as string, port: withPort[2] as string };
  return { host: entry };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
