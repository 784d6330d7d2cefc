import { describe, expect, it } from 'vitest';
import { displayTarget } from '../../src/delivery/target.js';

describe('displayTarget', () => {
  it.each([
    ['https://example.com/hooks/orders', 'https://example.com/hooks/orders'],
    ['http://example.com/', 'http://example.com/'],
    ['https://example.com', 'https://example.com/'],
    ['http://localhost:8080/hook', 'http://localhost:8080/hook'],
    ['https://api.example.com:8443/v1/webhooks/', 'https://api.example.com:8443/v1/webhooks/'],
    ['http://127.0.0.1:3000/x', 'http://127.0.0.1:3000/x'],
    ['http://[::1]:9000/ipv6', 'http://[::1]:9000/ipv6'],
  ])('keeps scheme, host, port and path: %s', (url, expected) => {
    expect(displayTarget(url)).toBe(expected);
  });

  it('strips the query string', () => {
    expect(displayTarget('https://example.com/hook?token=s3cr3t&x=1')).toBe('https://example.com/hook');
    expect(displayTarget('https://example.com/hook?')).toBe('https://example.com/hook');
  });

  it('strips the fragment', () => {
    expect(displayTarget('https://example.com/hook#secret-fragment')).toBe('https://example.com/hook');
  });

  it('strips query and fragment together', () => {
    expect(displayTarget('https://example.com:444/a/b?key=abc#frag')).toBe('https://example.com:444/a/b');
  });

  it('strips userinfo (user:pass@)', () => {
    const shown = displayTarget('https://user:p4ssw0rd@example.com:8443/hook?token=t');
    expect(shown).toBe('https://example.com:8443/hook');
    expect(shown).not.toContain('user');
    expect(shown).not.toContain('p4ssw0rd');
    expect(shown).not.toContain('@');
  });

  it('strips a username without password', () => {
    expect(displayTarget('https://apikey@example.com/hook')).toBe('https://example.com/hook');
  });

  it('never leaks a secret from any part other than host and path', () => {
    const secret = 'TOPSECRET';
    const shown = displayTarget(`https://${secret}:${secret}@example.com/path?${secret}=${secret}#${secret}`);
    expect(shown).not.toContain(secret);
  });

  it('drops the default port for the scheme (as the URL standard normalises)', () => {
    expect(displayTarget('https://example.com:443/x')).toBe('https://example.com/x');
    expect(displayTarget('http://example.com:80/x')).toBe('http://example.com/x');
    expect(displayTarget('http://example.com:443/x')).toBe('http://example.com:443/x');
  });

  it('normalises the host to lower case and keeps the path case', () => {
    expect(displayTarget('HTTPS://EXAMPLE.COM/Hook/Path')).toBe('https://example.com/Hook/Path');
  });

  it.each(['', 'not a url', 'example.com/hook', '/relative/path', '://missing-scheme', 'http://', 'https://exa mple.com/'])(
    'returns "(invalid url)" for %j',
    (url) => {
      expect(displayTarget(url)).toBe('(invalid url)');
    },
  );
});
