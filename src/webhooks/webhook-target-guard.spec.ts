import { describe, expect, it } from '@jest/globals';
import { forbiddenReason, forbiddenUrlReason } from './webhook-target-guard.js';

describe('forbiddenReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['fc00::1', 'uniqueLocal'],
  ])('refuses %s (%s) unless private targets are allowed', (address, range) => {
    expect(forbiddenReason(address, false)).toBe(`${range} address`);
    expect(forbiddenReason(address, true)).toBeUndefined();
  });

  it.each([
    ['169.254.169.254', 'linkLocal address'],
    ['::ffff:169.254.169.254', 'linkLocal address'],
    ['fe80::1', 'linkLocal address'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052 address'],
    ['2002:a9fe:a9fe::1', '6to4 address'],
    ['0.0.0.0', 'unspecified address'],
    ['::', 'unspecified address'],
    ['224.0.0.1', 'multicast address'],
    ['255.255.255.255', 'broadcast address'],
    ['100.100.100.200', 'cloud metadata address'],
    ['fd00:ec2::254', 'cloud metadata address'],
  ])('always refuses %s (%s)', (address, reason) => {
    expect(forbiddenReason(address, false)).toBe(reason);
    expect(forbiddenReason(address, true)).toBe(reason);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700::1111'])('allows public %s', (address) => {
    expect(forbiddenReason(address, false)).toBeUndefined();
  });
});

describe('forbiddenUrlReason', () => {
  const reason = (url: string, allowPrivate = false) =>
    forbiddenUrlReason(new URL(url), allowPrivate);

  it('judges IP literals in every spelling the URL parser normalizes', () => {
    expect(reason('http://127.0.0.1:8080/hook')).toMatch(/loopback/);
    expect(reason('http://2130706433/')).toMatch(/127\.0\.0\.1 is a loopback/);
    expect(reason('http://0x7f.1/')).toMatch(/loopback/);
    expect(reason('http://[::ffff:169.254.169.254]/')).toMatch(/linkLocal/);
    expect(reason('http://169.254.169.254/latest/meta-data/', true)).toMatch(/linkLocal/);
    expect(reason('http://[::1]/', true)).toBeUndefined();
  });

  it('refuses localhost names unless private targets are allowed, and leaves other names to connect time', () => {
    expect(reason('http://localhost:3000/')).toMatch(/loopback name/);
    expect(reason('http://api.localhost/')).toMatch(/loopback name/);
    expect(reason('http://localhost:3000/', true)).toBeUndefined();
    expect(reason('https://erp.example.com/hooks')).toBeUndefined();
  });
});
