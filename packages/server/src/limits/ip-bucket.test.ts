import { describe, expect, it } from 'vitest';
import { ipBucket } from './ip-bucket.js';

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
    ['not an ip', 'not an ip'],
    ['', ''],
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
