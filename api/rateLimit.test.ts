import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress, clientBucket } from './rateLimit';

const req = (peer: string, forwardedFor?: string) => ({
  headers: (forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }) as IncomingHttpHeaders,
  socket: { remoteAddress: peer } as Socket,
});

describe('clientAddress', () => {
  it('is the TCP peer unless proxies are trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress(req('10.0.0.9', '1.2.3.4'), 0)).toBe('10.0.0.9');
  });

  it('takes the address the nearest trusted proxy saw, never what the client wrote further left', () => {
    // The client wrote "6.6.6.6"; the one trusted proxy appended the address it saw the request come from.
    expect(clientAddress(req('10.0.0.9', '6.6.6.6, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(req('10.0.0.9', '6.6.6.6, 203.0.113.7, 10.0.0.5'), 2)).toBe('203.0.113.7');
  });

  it('falls back to the furthest address there is when fewer proxies appended than are trusted', () => {
    expect(clientAddress(req('10.0.0.9'), 1)).toBe('10.0.0.9');
    expect(clientAddress(req('10.0.0.9', '203.0.113.7'), 3)).toBe('203.0.113.7');
  });
});

describe('clientBucket', () => {
  it('is the address for IPv4, IPv4-mapped IPv6 included', () => {
    expect(clientBucket('203.0.113.7')).toBe('ip:203.0.113.7');
    expect(clientBucket('::ffff:203.0.113.7')).toBe('ip:203.0.113.7');
  });

  it("is the /64 for IPv6: a client's host bits are its own to change", () => {
    expect(clientBucket('2001:db8:1:2:aaaa::1')).toBe('ip:2001:db8:1:2::/64');
    expect(clientBucket('2001:0db8:0001:0002:ffff:1:2:3')).toBe('ip:2001:db8:1:2::/64');
    expect(clientBucket('2001:db8::1')).toBe('ip:2001:db8:0:0::/64');
    expect(clientBucket('::1')).toBe('ip:0:0:0:0::/64');
  });
});
