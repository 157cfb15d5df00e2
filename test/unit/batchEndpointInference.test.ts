/** Create Batch Job… infers the endpoint from the requests' bodies and asks only when they do not tell. */
import * as assert from 'node:assert/strict';
import { inferEndpoint, modelSuggestions, parseHead } from '../../src/extension/batch/commands/endpointInference';

const line = (body: Record<string, unknown>, customId = 'a'): string => JSON.stringify({ custom_id: customId, body });

describe('batch endpoint inference', () => {
  it('reads chat, FIM, OCR, conversations and transcription bodies', () => {
    assert.equal(inferEndpoint(parseHead(line({ messages: [{ role: 'user', content: 'hi' }] }))), '/v1/chat/completions');
    assert.equal(inferEndpoint(parseHead(line({ prompt: 'def f(', suffix: ')' }))), '/v1/fim/completions');
    assert.equal(inferEndpoint(parseHead(line({ document: { type: 'document_url', document_url: 'x' } }))), '/v1/ocr');
    assert.equal(inferEndpoint(parseHead(line({ inputs: 'hello' }))), '/v1/conversations');
    assert.equal(inferEndpoint(parseHead(line({ file_url: 'https://example.com/a.mp3' }))), '/v1/audio/transcriptions');
  });

  it('tells look-alike `input` bodies apart by the model, else leaves the choice to the user', () => {
    const head = parseHead(line({ input: 'text' }));
    assert.equal(inferEndpoint(head), undefined);
    assert.equal(inferEndpoint(head, 'mistral-embed'), '/v1/embeddings');
    assert.equal(inferEndpoint(head, 'mistral-moderation-latest'), '/v1/moderations');
    assert.equal(inferEndpoint(parseHead(line({ input: 'x', model: 'mistral-embed' }))), '/v1/embeddings');
    assert.equal(inferEndpoint(parseHead(line({ messages: [] })), 'mistral-moderation-latest'), '/v1/chat/moderations');
  });

  it('gives up on mixed shapes and empty heads, skips a cut last line, and reports the model the bodies agree on', () => {
    const mixed = [line({ messages: [] }), line({ prompt: 'x' }, 'b')].join('\n');
    assert.equal(inferEndpoint(parseHead(mixed)), undefined);
    assert.equal(inferEndpoint(parseHead('')), undefined);
    const head = parseHead(`${line({ messages: [], model: 'm1' })}\n${line({ messages: [], model: 'm1' }, 'b')}\n{"custom_id": "c", "bo`);
    assert.equal(head.bodies.length, 2);
    assert.equal(head.model, 'm1');
    assert.equal(parseHead(`${line({ model: 'm1' })}\n${line({ model: 'm2' }, 'b')}`).model, undefined);
    assert.ok(modelSuggestions('/v1/embeddings').includes('mistral-embed'));
    assert.ok(modelSuggestions(undefined).length > 0);
  });
});
