/** The client's pure pieces: Retry-After, backoff, base URLs, multipart filename encoding, size wording. */
import * as assert from 'node:assert/strict';
import { extractApiMessage, scrubSecret } from '../../src/api/core/errorMapping';
import { isLoopbackHost, resolveEndpoint } from '../../src/api/core/endpoint';
import { encodeFilenameParameter, planMultipart } from '../../src/api/files/multipart';
import { backoffDelayMs, decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfterMs, resolveRetryPolicy } from '../../src/api/core/retry';
import { formatMegabytes } from '../../src/util/format';

describe('client pure helpers', function () {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('Sun, 22 Nov 2026 03:00:00 GMT');
    assert.equal(parseRetryAfterMs('7', now), 7000);
    assert.equal(parseRetryAfterMs('Sun, 22 Nov 2026 03:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('Sun, 22 Nov 2026 02:59:00 GMT', now), 0);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs(undefined, now), undefined);
  });

  it('full jitter stays within [0, min(cap, base × multiplier^n)]', () => {
    const policy = resolveRetryPolicy({ initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000 });
    assert.equal(backoffDelayMs(policy, 0, () => 0.999999), 99);
    assert.equal(backoffDelayMs(policy, 3, () => 0.5), 400);
    assert.equal(backoffDelayMs(policy, 10, () => 0.999999), 999);
    assert.equal(backoffDelayMs(policy, 10, () => 0), 0);
    assert.deepEqual(resolveRetryPolicy(undefined), DEFAULT_RETRY_POLICY);
    assert.deepEqual(decideRetry(policy, 0, 0, 2000, Math.random), { retry: false }, 'a Retry-After above the cap ends the retries');
    assert.deepEqual(decideRetry(policy, 0, 0, 800, Math.random), { retry: true, delayMs: 800 });
  });

  it('recognises loopback hosts only', () => {
    for (const host of ['localhost', '127.0.0.1', '127.9.8.7', '[::1]', 'api.localhost']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['127.example.com', '10.0.0.1', 'localhost.evil.com', '[::2]', 'example.com']) assert.ok(!isLoopbackHost(host), host);
  });

  it('builds the files URL with the prefix kept', () => {
    assert.equal(resolveEndpoint(undefined).v1Url, 'https://api.mistral.ai/v1');
    assert.equal(resolveEndpoint('https://gw.corp/mistral//').v1Url, 'https://gw.corp/mistral/v1');
    assert.equal(resolveEndpoint(' https://api.eu.mistral.ai ').displayOrigin, 'https://api.eu.mistral.ai');
  });

  it('encodes part file names as browsers do and sizes the body exactly', () => {
    assert.equal(encodeFilenameParameter('a"b\r\nc.jsonl').toString('utf8'), 'a%22b%0D%0Ac.jsonl');
    assert.deepEqual([...encodeFilenameParameter('é.jsonl').subarray(0, 2)], [0xc3, 0xa9]);
    const plan = planMultipart([['purpose', 'batch']], 'file', 'x.jsonl', 1234);
    assert.equal(plan.contentLength, plan.preamble.length + 1234 + plan.epilogue.length);
    assert.match(plan.preamble.toString(), /name="purpose"\r\n\r\nbatch\r\n--/);
    assert.equal(plan.epilogue.toString(), `\r\n--${plan.boundary}--\r\n`);
  });

  it('words sizes against the limit in Mistral\'s binary megabytes, never rounding down to the limit', () => {
    assert.equal(formatMegabytes(600 * 1024 * 1024), '600 MB');
    assert.equal(formatMegabytes(512 * 1024 * 1024), '512 MB');
    assert.equal(formatMegabytes(512 * 1024 * 1024 + 1), '512.1 MB');
  });

  it('reads Mistral error bodies in all their shapes and scrubs secrets', () => {
    assert.equal(extractApiMessage({ message: 'Unauthorized', request_id: 'r' }), 'Unauthorized');
    assert.equal(extractApiMessage({ detail: 'File not found' }), 'File not found');
    assert.equal(
      extractApiMessage({ detail: [{ loc: ['body', 'purpose'], msg: 'Input should be x' }, { loc: ['query', 'expiry'], msg: 'too big' }] }),
      'purpose: Input should be x; expiry: too big',
    );
    assert.equal(extractApiMessage('nonsense'), undefined);
    assert.equal(scrubSecret('key sk-abcdef123 and Bearer xyz', 'sk-abcdef123'), 'key *** and Bearer ***');
  });
});
