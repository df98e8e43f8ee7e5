import { describe, expect, it } from 'vitest';
import { ipBucket, UNPARSEABLE_IP_BUCKET } from './ip-bucket.js';

describe('ipBucket (SPEC §7.3)', () => {
  it.each([
    ['10.77.0.1', '10.77.0.1'],
    ['::ffff:10.77.0.1', '10.77.0.1'],
    ['::FFFF:10.77.0.1', '10.77.0.1'],
    ['::ffff:0a4d:0001', '10.77.0.1'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0042', '2001:db8:1:2::/64'],
    ['::1', '::/64'],
    // Forms proxies write into X-Forwarded-For: a port, brackets (probe of issue #11's fix).
    ['198.51.100.7:40001', '198.51.100.7'],
    ['[2001:db8::5]:443', '2001:db8::/64'],
    ['[2001:db8::5]', '2001:db8::/64'],
    ['[::ffff:203.0.113.5]', '203.0.113.5'],
    [' 10.77.0.1 ', '10.77.0.1'],
    // Whatever does not parse shares one bucket: varying junk cannot dodge the limit.
    ['not an ip', UNPARSEABLE_IP_BUCKET],
    ['junk2', UNPARSEABLE_IP_BUCKET],
    ['203.0.113.5:99999999', UNPARSEABLE_IP_BUCKET],
    ['', UNPARSEABLE_IP_BUCKET],
  ])('%s → %s', (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });

  it('the IPv6 prefix length is configurable', () => {
    expect(ipBucket('2001:db8:1:2::1', 48)).toBe('2001:db8:1::/48');
    expect(ipBucket('2001:db8:1:2::1', 128)).toBe('2001:db8:1:2::1/128');
    expect(ipBucket('2001:db8:1:2::1', 56)).toBe(ipBucket('2001:db8:1:ff::1', 56));
    expect(ipBucket('2001:db8:1:2::1', 60)).not.toBe(ipBucket('2001:db8:1:12::1', 60));
  });
});
