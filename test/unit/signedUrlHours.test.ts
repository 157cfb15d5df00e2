import * as assert from 'node:assert/strict';
import { isValidHours, parseHours } from '../../src/extension/shared/hours';

describe('signed URL expiry input', () => {
  it('accepts whole hours from 1 to 168', () => {
    assert.equal(parseHours('1'), 1);
    assert.equal(parseHours(' 48 '), 48);
    assert.equal(parseHours('168'), 168);
    assert.equal(parseHours('007'), 7);
  });

  it('rejects anything else', () => {
    for (const text of ['', '0', '169', '1.5', '1e2', '-3', 'abc', '24h', '99999', '0x10']) {
      assert.equal(parseHours(text), undefined, text);
    }
    assert.equal(isValidHours(24.5), false);
    assert.equal(isValidHours('24'), false);
    assert.equal(isValidHours(Number.NaN), false);
  });
});
