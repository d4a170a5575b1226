import { expect, it } from 'vitest';
import { clientKey } from './client-key.js';

it('keys an IPv4 client by its address, an IPv4-mapped one too', () => {
  expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
});

it('keys an IPv6 client by its /64, however the address is written', () => {
  const key = '2001:db8:7:42::/64';
  for (const ip of ['2001:db8:7:42::1', '2001:0db8:0007:0042:ffff:1:2:3', '2001:db8:7:42:a::9%eth0']) {
    expect(clientKey(ip)).toBe(key);
  }
  expect(clientKey('2001:db8:7:43::1')).not.toBe(key);
  expect(clientKey('::1')).toBe('0:0:0:0::/64');
  expect(clientKey('64:ff9b::198.51.100.1')).toBe('64:ff9b:0:0::/64');
});

it('leaves what is not an address as it is', () => {
  expect(clientKey('unknown')).toBe('unknown');
});
