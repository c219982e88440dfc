import { describe, expect, it } from 'vitest';
import { judgeTlsChain } from '../../source/keystore/x509/tls-trust.js';
import { proxyFor } from '../../source/network/proxy.js';
import { parseServerAddress } from '../../source/network/address.js';
import { rsaChain } from '../support/tls-servers.js';

/** The judge on chains alone (no server), for the cases a live server cannot easily present. */
describe('judgeTlsChain', () => {
  it('an MD5-signed leaf below a trusted CA: weak-signature, not trusted', () => {
    const chain = rsaChain({ names: ['weak.test'], label: 'Weak', leafDigest: 'md5' });
    const judged = judgeTlsChain({
      presented: chain.sent,
      anchors: [{ alias: 'weak-root', der: chain.root }],
      host: 'weak.test',
      port: 443,
      now: new Date(),
    });
    expect(judged.trusted).toBe(false);
    expect(judged.problems.map((problem) => problem.code)).toEqual(['weak-signature']);
    expect(judged.problems[0]!.message).toMatch(/MD5withRSA, which Java refuses/);
  });

  it('the same chain signed with SHA-256 is trusted, anchored at the root', () => {
    const chain = rsaChain({ names: ['strong.test'], label: 'Strong' });
    const judged = judgeTlsChain({
      presented: chain.sent,
      anchors: [{ alias: 'strong-root', der: chain.root }],
      host: 'strong.test',
      port: 443,
      now: new Date(),
    });
    expect(judged).toMatchObject({ trusted: true, problems: [], anchor: { alias: 'strong-root' } });
  });

  it('a trusted intermediate is an anchor: the root is not needed', () => {
    const chain = rsaChain({ names: ['inter.test'], label: 'Inter' });
    const judged = judgeTlsChain({
      presented: chain.sent,
      anchors: [{ alias: 'inter', der: chain.intermediate! }],
      host: 'inter.test',
      port: 443,
      now: new Date(),
    });
    expect(judged).toMatchObject({ trusted: true, anchor: { alias: 'inter' } });
  });
});

describe('HTTPS_PROXY and NO_PROXY', () => {
  it('reads the proxy, credentials kept out of what is shown; NO_PROXY suffixes, ports and *', () => {
    const env = { HTTPS_PROXY: 'http://user:secret@proxy.example:3128', NO_PROXY: '.internal.example,10.0.0.5,api.example:8443' };
    expect(proxyFor('backend.example', 443, env)).toMatchObject({
      host: 'proxy.example',
      port: 3128,
      credentials: 'user:secret',
      shown: 'http://proxy.example:3128',
    });
    expect(proxyFor('a.internal.example', 443, env)).toBeUndefined();
    expect(proxyFor('internal.example', 443, env)).toBeUndefined();
    expect(proxyFor('10.0.0.5', 443, env)).toBeUndefined();
    expect(proxyFor('api.example', 8443, env)).toBeUndefined();
    expect(proxyFor('api.example', 443, env)).toBeDefined();
    expect(proxyFor('x', 1, { https_proxy: 'proxy:8080', no_proxy: '*' })).toBeUndefined();
    expect(proxyFor('x', 1, { https_proxy: 'proxy:8080' })).toMatchObject({ host: 'proxy', port: 8080, from: 'https_proxy' });
    expect(() => proxyFor('x', 1, { HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(/only http:\/\/ proxies/);
  });

  it('parses server addresses', () => {
    expect(parseServerAddress('example.com')).toEqual({ host: 'example.com', port: 443 });
    expect(parseServerAddress('example.com:8243')).toEqual({ host: 'example.com', port: 8243 });
    expect(parseServerAddress('https://[::1]:9443/path')).toEqual({ host: '::1', port: 9443 });
    expect(parseServerAddress('[::1]:9443')).toEqual({ host: '::1', port: 9443 });
    expect(parseServerAddress('http://example.com')).toBeUndefined();
    expect(parseServerAddress('host:0')).toBeUndefined();
  });
});
