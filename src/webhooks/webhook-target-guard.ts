import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Allowed only with WEBHOOK_ALLOW_PRIVATE_TARGETS (development, tests, an intranet receiver). */
const PRIVATE_RANGES = new Set(['private', 'loopback', 'uniqueLocal', 'carrierGradeNat']);
/** Cloud metadata services outside the link-local range (Alibaba; AWS IMDS over IPv6). */
const METADATA = new Set(['100.100.100.200', 'fd00:ec2::254']);

/**
 * Why a webhook may not connect to `address`, or `undefined` when it may. Public unicast only,
 * plus private and loopback ones when `allowPrivate`. Link-local (169.254/16, fe80::/10: cloud
 * metadata), unspecified, multicast, reserved and the IPv6 wrappers of IPv4 (NAT64, 6to4, Teredo)
 * are always refused. `process()` unwraps `::ffff:a.b.c.d` first, so a mapped address is judged
 * as the IPv4 one it is.
 */
export function forbiddenReason(address: string, allowPrivate: boolean): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const ip = ipaddr.process(address);
  if (METADATA.has(ip.toString())) return 'cloud metadata address';
  const range = ip.range();
  if (range === 'unicast') return undefined;
  if (PRIVATE_RANGES.has(range) && allowPrivate) return undefined;
  return `${range} address`;
}

/** The error a refused target fails its connection with (code `EFORBIDDENTARGET`). */
export class ForbiddenTargetError extends Error {
  readonly code = 'EFORBIDDENTARGET';
  constructor(host: string, reason: string) {
    super(`forbidden target ${host}: ${reason}`);
  }
}

/**
 * A `lookup` for `http.request`: resolves the host, refuses the connection when ANY address it
 * resolves to is forbidden, and otherwise hands back those same addresses, so the socket connects
 * to an address that was checked (no window for DNS rebinding between check and connect).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const reason = addresses
        .map((a) => forbiddenReason(a.address, allowPrivate))
        .find((r) => r !== undefined);
      if (reason) return callback(new ForbiddenTargetError(hostname, reason), '', 4);
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 4);
      callback(null, first.address, first.family);
    });
  };
}

/** The URL's host without IPv6 brackets. */
const bareHost = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Why a target URL is refused before any connection: an IP literal that is forbidden, or a
 * `localhost` name (loopback by definition) without `allowPrivate`. Other names are judged when
 * connecting (DNS may change, so an answer now proves nothing later).
 */
export function forbiddenUrlReason(url: URL, allowPrivate: boolean): string | undefined {
  const host = bareHost(url);
  if (ipaddr.isValid(host)) {
    const reason = forbiddenReason(host, allowPrivate);
    return reason && `${host} is a ${reason}`;
  }
  if (!allowPrivate && /(^|\.)localhost\.?$/i.test(host)) return `${host} is a loopback name`;
  return undefined;
}

export { bareHost };
