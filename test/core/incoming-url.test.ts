/**
 * src/http/incoming-url.ts answers for the URL parser in aimeter's copy of instrumentation-http
 * (scripts/bundle.js): wherever it answers, the answer must be the parser's, and where the parser
 * throws (a bad Host header: no url.path recorded) it must not answer. Checked against
 * `new URL(url, 'http://' + host)` itself, on hand-picked edge cases and on random strings drawn
 * from the characters that matter.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { plainIncomingUrl } from '../../src/http/incoming-url';

/** What instrumentation-http's getInfoFromIncomingMessage reads: pathname and search, or nothing (it threw). */
function parser(url: string, host: string | undefined): { pathname: string; search: string } | undefined {
  try {
    const parsed = new URL(url, `http://${host ? host : 'localhost'}`);
    return { pathname: parsed.pathname, search: parsed.search };
  } catch {
    return undefined;
  }
}

function agrees(url: string, host: string | undefined): void {
  const fast = plainIncomingUrl(url, host);
  if (fast === undefined) return;
  assert.deepEqual(fast, parser(url, host), `url ${JSON.stringify(url)} host ${JSON.stringify(host)}`);
}

const URLS = [
  '/', '/chat', '/api/chat/greeting', '/a/b/', '/a//b', '//evil.example/x', '/\\x', '/a\\b', '/.well-known/x', '/a/./b',
  '/a/../b', '/a/..', '/a/.', '/a/%2e/b', '/a/%2E%2E/b', '/%20x', '/%zz', '/a b', '/a"b', '/a<b>', '/a{b}', '/a`b', '/a^b',
  '/a|b', "/it's", '/a?', '/a?x=1', '/a?x=1&y=2', '/a?x=1#frag', '/a#frag', '/a?x=a b', "/a?x='", '/a?x="', '/a?x=<>',
  '/a?x=%zz', '/a?x=?y', '/a?x=/y', '/a?x={}', '/é', '/a?é', '*', 'http://other/x', 'chat', '', '/a\u0000b', '/a\tb',
  '/a?x=\n', '/a;b=c', '/a:b@c', '/~user', '/a?x=1;y=2',
];
const HOSTS = [
  undefined, '', 'localhost', 'localhost:8080', '127.0.0.1', '127.0.0.1:3000', '127.0.0.999', '1.2.3', '1.2.3.4.5',
  '08.1.1.1', '0x7f.0.0.1', 'example.com', 'example.com:', 'example.com:65535', 'example.com:65536', 'example.com:99999',
  'Example.COM', 'a..b', 'example.com.', 'foo.123', 'foo.bar1', 'xn--abc', 'xn--nxasmq6b.com', 'a_b.com', 'a b', '[::1]',
  '[::1]:80', 'host:80:90', 'ex@mple.com', 'exa%41mple.com', 'ab--cd.com', '-a.com', 'a-.com',
];

describe('plainIncomingUrl (instrumentation-http URL fast path)', () => {
  test('agrees with the URL parser wherever it answers', () => {
    for (const url of URLS) for (const host of HOSTS) agrees(url, host);
  });

  test('answers the common shapes (so the bundle saves the parse)', () => {
    assert.deepEqual(plainIncomingUrl('/chat', '127.0.0.1:3000'), { pathname: '/chat', search: '' });
    assert.deepEqual(plainIncomingUrl('/api/v1/items/42?page=2&q=a%20b', 'api.example.com'), { pathname: '/api/v1/items/42', search: '?page=2&q=a%20b' });
    assert.deepEqual(plainIncomingUrl('/x?', undefined), { pathname: '/x', search: '' });
  });

  test('leaves to the parser what it would change or reject', () => {
    for (const [url, host] of [
      ['//evil.example/x', 'localhost'],
      ['/a/../b', 'localhost'],
      ['/a b', 'localhost'],
      ['/a#f', 'localhost'],
      ['/x', '127.0.0.999'],
      ['/x', 'example.com:65536'],
      ['/x', '[::1]:80'],
    ] as const) {
      assert.equal(plainIncomingUrl(url, host), undefined, `${url} ${host}`);
    }
  });

  test('random URLs and hosts from the characters that matter', () => {
    const urlChars = ['/', '/', 'a', 'b', '.', '..', '%', '2e', '%2E', '?', '#', '\\', ' ', "'", '"', '<', '{', '`', '^', '|', '~', ';', ':', '@', '=', '&', 'é'];
    const hostChars = ['a', 'b', '1', '9', '0', '.', '-', ':', '8', '255', '256', 'x', 'xn--', '0x', '[', ']', '_', '%'];
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const draw = (chars: string[], length: number): string => Array.from({ length }, () => chars[next(chars.length)]).join('');
    for (let i = 0; i < 20000; i++) {
      const url = `/${draw(urlChars, next(8))}`;
      const host = next(4) === 0 ? undefined : draw(hostChars, 1 + next(7));
      agrees(url, host);
    }
  });
});
