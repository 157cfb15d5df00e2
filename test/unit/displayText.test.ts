import * as assert from 'node:assert/strict';
import { displayLabel, displayText } from '../../src/util/displayText';

describe('network strings shown in the editor', () => {
  it('shows a right-to-left override as a visible escape, so "exe.txt" cannot pose as "txt.exe"', () => {
    const name = 'invoice\u202etxt.exe';
    assert.equal(displayLabel(name), 'invoice\\u202etxt.exe');
    assert.equal(displayText(`Upload failed: ${name}`), 'Upload failed: invoice\\u202etxt.exe');
  });

  it('escapes terminal and C1 controls; keeps line breaks in messages but not in one-line labels', () => {
    assert.equal(displayText('bad\u001b[31mred\u0007\nnext\tcol\u0085'), 'bad\\u001b[31mred\\u0007\nnext\tcol\\u0085');
    assert.equal(displayLabel('two\nlines\ttab'), 'two\\u000alines\\u0009tab');
    assert.equal(displayLabel('plain name.jsonl'), 'plain name.jsonl');
  });
});
