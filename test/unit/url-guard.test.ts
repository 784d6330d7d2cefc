import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { checkAddress, checkUrl, createAddressPolicy, parseCidrList, type AddressPolicy } from '../../src/delivery/url-guard.js';

const strict: AddressPolicy = createAddressPolicy({});
const policyWith = (allowedCidrs: string, httpsOnly = false): AddressPolicy => createAddressPolicy({ allowedCidrs, httpsOnly });

function refusal(address: string, policy: AddressPolicy = strict): string {
  const verdict = checkAddress(address, policy);
  if (verdict.allowed) throw new Error(`expected ${address} to be refused`);
  return verdict.reason;
}

// [address, category the reason must name]; start, middle and end of each range.
const FORBIDDEN_DIRECT: ReadonlyArray<readonly [string, RegExp]> = [
  ['0.0.0.0', /unspecified/],
  ['0.1.2.3', /unspecified/],
  ['0.255.255.255', /unspecified/],
  ['10.0.0.0', /private/],
  ['10.128.0.1', /private/],
  ['10.255.255.255', /private/],
  ['100.64.0.0', /carrier-grade NAT/],
  ['100.100.100.100', /carrier-grade NAT/],
  ['100.127.255.255', /carrier-grade NAT/],
  ['127.0.0.0', /loopback/],
  ['127.0.0.1', /loopback/],
  ['127.255.255.255', /loopback/],
  ['169.254.0.0', /link-local/],
  ['169.254.169.254', /link-local .*cloud metadata/],
  ['169.254.255.255', /link-local/],
  ['172.16.0.0', /private/],
  ['172.20.1.1', /private/],
  ['172.31.255.255', /private/],
  ['192.0.0.0', /IETF protocol assignment/],
  ['192.0.0.8', /IETF protocol assignment/],
  ['192.0.0.255', /IETF protocol assignment/],
  ['192.0.2.0', /documentation/],
  ['192.0.2.123', /documentation/],
  ['192.0.2.255', /documentation/],
  ['198.51.100.0', /documentation/],
  ['198.51.100.77', /documentation/],
  ['198.51.100.255', /documentation/],
  ['203.0.113.0', /documentation/],
  ['203.0.113.9', /documentation/],
  ['203.0.113.255', /documentation/],
  ['192.168.0.0', /private/],
  ['192.168.1.1', /private/],
  ['192.168.255.255', /private/],
  ['198.18.0.0', /benchmarking/],
  ['198.19.0.1', /benchmarking/],
  ['198.19.255.255', /benchmarking/],
  ['224.0.0.0', /multicast/],
  ['232.1.2.3', /multicast/],
  ['239.255.255.255', /multicast/],
  ['240.0.0.0', /reserved/],
  ['248.1.2.3', /reserved/],
  ['255.255.255.254', /reserved/],
  ['255.255.255.255', /broadcast/],
  ['::', /unspecified/],
  ['0:0:0:0:0:0:0:0', /unspecified/],
  ['::1', /loopback/],
  ['0:0:0:0:0:0:0:1', /loopback/],
  ['fe80::', /link-local/],
  ['fe80::1', /link-local/],
  ['fe9a:1::2', /link-local/],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', /link-local/],
  ['fc00::', /unique local/],
  ['fd00:ec2::254', /unique local .*AWS metadata/],
  ['fd12:3456::1', /unique local/],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', /unique local/],
  ['ff00::', /multicast/],
  ['ff02::1', /multicast/],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', /multicast/],
  ['2001:db8::', /documentation/],
  ['2001:db8:1234::1', /documentation/],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', /documentation/],
  ['100::', /discard/],
  ['100::1', /discard/],
  ['100::ffff:ffff:ffff:ffff', /discard/],
];

// [address, IPv4 it embeds, category]
const FORBIDDEN_EMBEDDED: ReadonlyArray<readonly [string, string, RegExp]> = [
  ['::ffff:127.0.0.1', '127.0.0.1', /IPv4-mapped.*loopback/],
  ['::ffff:7f00:1', '127.0.0.1', /IPv4-mapped.*loopback/],
  ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1', /IPv4-mapped.*loopback/],
  ['::ffff:10.0.0.1', '10.0.0.1', /IPv4-mapped.*private/],
  ['::ffff:169.254.169.254', '169.254.169.254', /IPv4-mapped.*link-local/],
  ['::ffff:0.0.0.0', '0.0.0.0', /IPv4-mapped.*unspecified/],
  ['::ffff:255.255.255.255', '255.255.255.255', /IPv4-mapped.*broadcast/],
  ['64:ff9b::7f00:1', '127.0.0.1', /NAT64.*loopback/],
  ['64:ff9b::169.254.169.254', '169.254.169.254', /NAT64.*link-local/],
  ['64:ff9b::c0a8:101', '192.168.1.1', /NAT64.*private/],
  ['2002:7f00:1::', '127.0.0.1', /6to4.*loopback/],
  ['2002:a9fe:a9fe:1234::1', '169.254.169.254', /6to4.*link-local/],
  ['2002:a00:1::1', '10.0.0.1', /6to4.*private/],
  ['::7f00:1', '127.0.0.1', /IPv4-compatible.*loopback/],
  ['::127.0.0.1', '127.0.0.1', /IPv4-compatible.*loopback/],
  ['::2', '0.0.0.2', /IPv4-compatible.*unspecified/],
  ['::ffff:0:0', '0.0.0.0', /IPv4-mapped.*unspecified/],
];

const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  // just outside the neighbouring forbidden ranges
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.0',
  '192.0.3.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '198.51.99.255',
  '198.51.101.0',
  '203.0.112.255',
  '203.0.114.0',
  '223.255.255.255',
  '1.0.0.0',
  '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
  '2001:db9::',
  '100:0:0:1::',
  // embeddings of public IPv4 addresses follow their IPv4
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::808:808',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
  '::8.8.8.8',
];

describe('checkAddress: forbidden ranges', () => {
  it.each(FORBIDDEN_DIRECT)('refuses %s (%s)', (address, category) => {
    const reason = refusal(address);
    expect(reason).toMatch(category);
    expect(reason.startsWith(`${address} is `)).toBe(true);
  });

  it.each(FORBIDDEN_EMBEDDED)('refuses %s, which embeds %s', (address, v4, category) => {
    const reason = refusal(address);
    expect(reason).toMatch(category);
    expect(reason).toContain(`${address} embeds ${v4} `);
  });

  it('names the reasons humanly', () => {
    expect(refusal('127.0.0.1')).toBe('127.0.0.1 is a loopback address');
    expect(refusal('169.254.169.254')).toBe('169.254.169.254 is a link-local address (cloud metadata lives here)');
    expect(refusal('255.255.255.255')).toBe('255.255.255.255 is the broadcast address');
    expect(refusal('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1 embeds 127.0.0.1 (IPv4-mapped), which is a loopback address');
  });

  it('agrees with ipaddr.js that none of the refused samples is unicast', () => {
    for (const [address] of FORBIDDEN_DIRECT) expect(ipaddr.parse(address).range(), address).not.toBe('unicast');
  });
});

describe('checkAddress: allowed and unparseable', () => {
  it.each(PUBLIC)('allows public %s', (address) => {
    expect(checkAddress(address, strict)).toStrictEqual({ allowed: true });
  });

  it.each([
    '',
    ' ',
    'localhost',
    'example.com',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    ' 8.8.8.8',
    '8.8.8.8/32',
    // non-canonical IPv4 spellings: resolvers never return them, and 0177.0.0.1 is loopback to inet_aton
    '0177.0.0.1',
    '0x7f.0.0.1',
    '127.1',
    '2130706433',
    '010.8.8.8',
    '[::1]',
    ':::1',
    '::g',
    'fe80::1%eth0',
    '2606:4700:4700::1111%1',
    // ipaddr.js alone would accept these lenient embedded quads
    '::ffff:0x7f.0.0.1',
    '::ffff:0177.0.0.1',
    '::ffff:127.1',
    '::ffff:1.2.3.4.5',
    '1.2.3.4::',
  ])('refuses unparseable %j', (address) => {
    expect(refusal(address)).toBe(`"${address}" is not an IP address`);
  });
});

describe('checkAddress: the allowlist re-opens exactly what it names', () => {
  // [allowlist, now allowed, still refused]
  it.each<readonly [string, string[], string[]]>([
    ['127.0.0.0/8', ['127.0.0.1', '127.255.255.255', '::ffff:127.0.0.1', '::ffff:7f00:1'], ['10.0.0.1', '::1', '169.254.169.254', '0.0.0.0']],
    ['::1/128', ['::1'], ['127.0.0.1', '::', '::2', 'fe80::1', '::ffff:127.0.0.1']],
    ['::1', ['::1'], ['127.0.0.1', '::']],
    ['10.1.0.0/16', ['10.1.2.3', '10.1.0.0', '10.1.255.255', '::ffff:10.1.2.3'], ['10.2.0.1', '10.0.255.255', '10.0.0.1']],
    ['169.254.169.254', ['169.254.169.254'], ['169.254.169.253', '169.254.169.255', 'fd00:ec2::254']],
    [' 10.1.0.0/16 ,  fd00::/8 ', ['10.1.2.3', 'fd00:ec2::254'], ['10.2.0.1', 'fc00::1', '127.0.0.1']],
    ['0.0.0.0/0', ['127.0.0.1', '10.0.0.1', '255.255.255.255', '::ffff:127.0.0.1'], ['::1', 'fe80::1']],
    ['64:ff9b::/96', ['64:ff9b::7f00:1'], ['127.0.0.1', '2002:7f00:1::']],
  ])('with %j', (list, allowed, refused) => {
    const policy = policyWith(list);
    for (const address of allowed) expect(checkAddress(address, policy), address).toStrictEqual({ allowed: true });
    for (const address of refused) expect(checkAddress(address, policy).allowed, address).toBe(false);
  });

  it('does not re-open unparseable addresses', () => {
    expect(checkAddress('0177.0.0.1', policyWith('0.0.0.0/0')).allowed).toBe(false);
  });
});

describe('parseCidrList', () => {
  it.each(['', '   ', ',', ' , ,'])('returns [] for %j', (value) => {
    expect(parseCidrList(value)).toStrictEqual([]);
  });

  it.each([
    ['10.0.0.0/8', '10.0.0.0/8', 'ipv4', 8],
    ['127.0.0.1', '127.0.0.1/32', 'ipv4', 32],
    ['::1', '::1/128', 'ipv6', 128],
    ['::1/128', '::1/128', 'ipv6', 128],
    ['FD00:EC2::254/128', 'fd00:ec2::254/128', 'ipv6', 128],
    ['0.0.0.0/0', '0.0.0.0/0', 'ipv4', 0],
    ['  192.168.0.0/16  ', '192.168.0.0/16', 'ipv4', 16],
  ] as const)('parses %j', (value, text, kind, prefixLength) => {
    const [entry, ...rest] = parseCidrList(value);
    expect(rest).toHaveLength(0);
    expect(entry?.text).toBe(text);
    expect(entry?.prefixLength).toBe(prefixLength);
    expect(entry?.address.kind()).toBe(kind);
  });

  it('parses several entries in order', () => {
    expect(parseCidrList('127.0.0.0/8, ::1 ,10.1.0.0/16,').map((c) => c.text)).toStrictEqual(['127.0.0.0/8', '::1/128', '10.1.0.0/16']);
  });

  it.each([
    ['10.0.0.0/33', '10.0.0.0/33'],
    ['nonsense', 'nonsense'],
    ['1.2.3.4/x', '1.2.3.4/x'],
    ['::/129', '::/129'],
    ['1.2.3.4/', '1.2.3.4/'],
    ['1.2.3.4/-1', '1.2.3.4/-1'],
    ['1.2.3.4/8/9', '1.2.3.4/8/9'],
    ['10/8', '10/8'],
    ['0x7f.0.0.1/8', '0x7f.0.0.1/8'],
    ['fe80::1%eth0/64', 'fe80::1%eth0/64'],
    ['10.0.0.0/8, bogus ,::1', 'bogus'],
  ])('rejects %j naming %j', (value, bad) => {
    expect(() => parseCidrList(value)).toThrow(`"${bad}"`);
  });
});

describe('createAddressPolicy', () => {
  it('defaults to no allowlist and http+https', () => {
    expect(createAddressPolicy({})).toStrictEqual({ allowedCidrs: [], httpsOnly: false });
  });

  it('parses the allowlist and keeps httpsOnly', () => {
    const policy = createAddressPolicy({ allowedCidrs: '127.0.0.0/8', httpsOnly: true });
    expect(policy.httpsOnly).toBe(true);
    expect(policy.allowedCidrs.map((c) => c.text)).toStrictEqual(['127.0.0.0/8']);
  });

  it('throws on a bad allowlist', () => {
    expect(() => createAddressPolicy({ allowedCidrs: '10.0.0.0/33' })).toThrow('"10.0.0.0/33"');
  });
});

describe('checkUrl', () => {
  it.each([
    ['http://0x7f.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['http://0177.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://017700000001/', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback/],
    ['http://127.1/', /127\.0\.0\.1 is a loopback/],
    ['http://127.0.0.1./', /127\.0\.0\.1 is a loopback/],
    ['http://%31%32%37.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['http://[::1]/', /::1 is a loopback/],
    ['http://[::ffff:127.0.0.1]/', /embeds 127\.0\.0\.1 \(IPv4-mapped\).*loopback/],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', /embeds 127\.0\.0\.1 \(IPv4-mapped\).*loopback/],
    ['http://[::ffff:169.254.169.254]/', /link-local/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a link-local address \(cloud metadata/],
    ['https://[fd00:ec2::254]/latest/meta-data', /fd00:ec2::254 is a unique local/],
    ['http://0/', /0\.0\.0\.0 is an unspecified/],
    ['http://10.0.0.1:8080/hook', /private/],
    ['http://example.com@127.0.0.1/', /loopback/],
    ['https://user:pass@192.168.1.1/', /private/],
  ])('refuses %s', (url, reason) => {
    const verdict = checkUrl(url, strict);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toMatch(reason);
  });

  it.each([
    ['https://example.com/x', 'example.com', undefined],
    ['HTTP://EXAMPLE.COM:8080/hook', 'example.com', undefined],
    ['https://user:secret@example.com/hook', 'example.com', undefined],
    ['http://localhost:3000/', 'localhost', undefined],
    ['https://127.0.0.1.nip.io/', '127.0.0.1.nip.io', undefined],
    ['http://8.8.8.8/', '8.8.8.8', '8.8.8.8'],
    ['http://0x8.8.8.8/', '8.8.8.8', '8.8.8.8'],
    ['http://user@93.184.216.34:81/', '93.184.216.34', '93.184.216.34'],
    ['https://[2606:4700:4700::1111]:8443/', '[2606:4700:4700::1111]', '2606:4700:4700::1111'],
    ['https://[::ffff:8.8.8.8]/', '[::ffff:808:808]', '::ffff:808:808'],
  ])('allows %s (DNS names are checked later by the caller)', (url, hostname, ipLiteral) => {
    expect(checkUrl(url, strict)).toStrictEqual({ allowed: true, hostname, ipLiteral });
  });

  it.each([
    'ftp://example.com/file',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'ws://example.com/',
    'wss://example.com/',
    'data:text/plain,hi',
    'gopher://127.0.0.1:70/',
    'mailto:a@example.com',
  ])('refuses the scheme of %s', (url) => {
    const verdict = checkUrl(url, strict);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toMatch(/^scheme ".+" is not allowed \(expected http or https\)$/);
  });

  it.each(['', 'not a url', 'http://', 'https://[::1/', '/relative/path', 'http://exa mple.com/'])('refuses invalid URL %j', (url) => {
    expect(checkUrl(url, strict)).toStrictEqual({ allowed: false, reason: 'not a valid URL' });
  });

  describe('https-only', () => {
    const httpsOnly = createAddressPolicy({ httpsOnly: true });

    it('refuses http://', () => {
      expect(checkUrl('http://example.com/', httpsOnly)).toStrictEqual({
        allowed: false,
        reason: 'scheme "http" is not allowed (expected https)',
      });
    });

    it('allows https:// to a DNS name', () => {
      expect(checkUrl('https://example.com/', httpsOnly)).toStrictEqual({
        allowed: true,
        hostname: 'example.com',
        ipLiteral: undefined,
      });
    });

    it('still refuses forbidden literals over https', () => {
      expect(checkUrl('https://127.0.0.1/', httpsOnly).allowed).toBe(false);
    });
  });

  describe('with an allowlist', () => {
    it.each<readonly [string, string, boolean]>([
      ['127.0.0.0/8', 'http://127.0.0.1:8080/hook', true],
      ['127.0.0.0/8', 'http://0x7f.1/', true],
      ['127.0.0.0/8', 'http://[::ffff:127.0.0.1]/', true],
      ['127.0.0.0/8', 'http://10.0.0.1/', false],
      ['127.0.0.0/8', 'http://[::1]/', false],
      ['::1/128', 'http://[::1]:9000/', true],
      ['::1/128', 'http://127.0.0.1/', false],
      ['10.1.0.0/16', 'http://10.1.2.3/', true],
      ['10.1.0.0/16', 'http://10.2.0.1/', false],
      ['127.0.0.0/8', 'ftp://127.0.0.1/', false],
    ])('with %j, %s → allowed %s', (list, url, allowed) => {
      expect(checkUrl(url, policyWith(list)).allowed).toBe(allowed);
    });

    it('does not relax https-only', () => {
      expect(checkUrl('http://127.0.0.1/', policyWith('127.0.0.0/8', true)).allowed).toBe(false);
      expect(checkUrl('https://127.0.0.1/', policyWith('127.0.0.0/8', true)).allowed).toBe(true);
    });
  });
});

describe('further special-purpose ranges', () => {
  const policy = createAddressPolicy({});
  it.each([
    ['192.88.99.1', '6to4 relay'],
    ['fec0::1', 'site-local'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:2::1', 'benchmarking'],
    ['3fff::1', 'documentation'],
    ['5f00::1', 'segment-routing'],
  ])('%s is refused (%s)', (address, what) => {
    const verdict = checkAddress(address, policy);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.reason).toContain(what);
  });
});
