import { describe, expect, it } from 'vitest';
import { parseIpAllowList } from '../../src/router/ip-allow-list.js';
import { normalizePath } from '../../src/router/normalize-path.js';

describe('IP allow-lists', () => {
  const { list, invalid } = parseIpAllowList(' 52.31.139.75, 10.0.0.0/8 ,2001:db8::/32,::1 ');

  it('parses addresses and CIDR ranges of both families', () => {
    expect(invalid).toEqual([]);
    expect(list.allows('52.31.139.75')).toBe(true);
    expect(list.allows('10.200.3.4')).toBe(true);
    expect(list.allows('2001:db8:1::5')).toBe(true);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('52.31.139.76')).toBe(false);
    expect(list.allows('11.0.0.1')).toBe(false);
  });

  it('treats IPv4-mapped IPv6 as the IPv4 address', () => {
    expect(list.allows('::ffff:10.1.2.3')).toBe(true);
    expect(list.allows('::ffff:11.1.2.3')).toBe(false);
  });

  it('refuses ambiguous or broken entries rather than guessing', () => {
    expect(parseIpAllowList('127.1, 0x7f.0.0.1, 10.0.0.0/33, 10.0.0.0/, ::1/129, example.com').invalid).toEqual([
      '127.1',
      '0x7f.0.0.1',
      '10.0.0.0/33',
      '10.0.0.0/',
      '::1/129',
      'example.com',
    ]);
  });

  it('lets anyone in when empty, and nobody with an unparseable address', () => {
    expect(parseIpAllowList('').list.allows('8.8.8.8')).toBe(true);
    expect(list.allows('not-an-ip')).toBe(false);
  });
});

describe('path normalisation', () => {
  it('trims slashes, collapses // and ignores case', () => {
    expect(normalizePath('//Paystack//Charge/ ')).toBe('paystack/charge');
    expect(normalizePath('/')).toBe('');
  });
});
