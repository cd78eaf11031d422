import { describe, expect, it } from 'vitest';
import { ipAddressDetector, isIPv6 } from './ip-address.ts';

const found = (t: string, min = 0.5) =>
  ipAddressDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('IP address detector', () => {
  it('finds IPv4 addresses', () => {
    expect(found('getting address 41.173.96.26 blocked')).toEqual(['41.173.96.26']);
    expect(found('|106.31.73.20|')).toEqual(['106.31.73.20']);
    expect(found('10.0.0.1:8080 and 255.255.255.0.')).toEqual(['10.0.0.1', '255.255.255.0']);
    expect(found('서버 192.168.0.1로 접속')).toEqual(['192.168.0.1']);
    expect(found('0.0.0.0')).toEqual(['0.0.0.0']);
  });

  it('finds IPv6 addresses: full, compressed, embedded IPv4', () => {
    expect(found('address 6e40:4041:c617:e898:c11:40d2:c669:2eb4 blocked')).toEqual(['6e40:4041:c617:e898:c11:40d2:c669:2eb4']);
    expect(found('host 2001:db8::8a2e:370:7334')).toEqual(['2001:db8::8a2e:370:7334']);
    expect(found('peer fe80::1.')).toEqual(['fe80::1']);
    expect(found('mapped ::ffff:192.168.1.1 here')).toEqual(['::ffff:192.168.1.1']);
    expect(found('[2001:db8::1]:443')).toEqual(['2001:db8::1']);
  });

  it('rejects versions, longer dotted strings, bad octets, times, MACs and code paths', () => {
    expect(found('v1.2.3.4')).toEqual([]);
    expect(found('version 1.2.3.4')).toEqual([]);
    expect(found('oid 1.3.6.1.4.1.311')).toEqual([]);
    expect(found('256.1.1.1 and 1.2.3.04')).toEqual([]);
    expect(found('at 2024-11-30 12:30:45')).toEqual([]);
    expect(found('mac 00:1a:2b:3c:4d:5e')).toEqual([]);
    expect(found('Vec::new() and std::vector and a::b')).toEqual([]);
    expect(found('uuid 123e4567-e89b-12d3-a456-426614174000')).toEqual([]);
    expect(found('1:2:3:4:5:6:7:8:9')).toEqual([]);
  });

  it('parses IPv6 strictly', () => {
    expect(isIPv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIPv6('1::2::3')).toBe(false);
    expect(isIPv6('12345::1')).toBe(false);
    expect(isIPv6('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIPv6('1:2:3:4:5:6:1.2.3.4')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:7:1.2.3.4')).toBe(false);
  });
});
