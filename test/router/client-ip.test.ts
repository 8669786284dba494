import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, resolveClientIp } from '../../src/router/client-ip.js';

describe('resolveClientIp', () => {
  const proxies = parseTrustedProxies('10.0.0.0/8, fd00::/8');

  it('uses the socket peer when it is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(resolveClientIp('::ffff:203.0.113.9', '10.1.1.1', proxies)).toBe('203.0.113.9');
    expect(resolveClientIp('203.0.113.9', '198.51.100.1', parseTrustedProxies(''))).toBe('203.0.113.9');
  });

  it('reads X-Forwarded-For right to left from a trusted peer, skipping trusted hops', () => {
    expect(resolveClientIp('10.0.0.2', '198.51.100.7, 203.0.113.5, 10.0.0.9', proxies)).toBe('203.0.113.5');
    expect(resolveClientIp('fd00::1', '2001:db8::5', proxies)).toBe('2001:db8::5');
    expect(resolveClientIp('10.0.0.2', '10.0.0.3, 10.0.0.4', proxies)).toBe('10.0.0.3');
    expect(resolveClientIp('10.0.0.2', undefined, proxies)).toBe('10.0.0.2');
    // A trusted proxy seen as an IPv4-mapped IPv6 peer, and mapped hops in the header.
    expect(resolveClientIp('::ffff:10.0.0.2', '203.0.113.5', proxies)).toBe('203.0.113.5');
    expect(resolveClientIp('10.0.0.2', '::ffff:203.0.113.5, ::ffff:10.0.0.9', proxies)).toBe('203.0.113.5');
  });

  it('refuses an invalid TRUSTED_PROXIES entry by name', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, proxy.local')).toThrow('proxy.local');
  });
});
