/**
 * The bench's own runners move the exact bytes and report what the table prints (never timed here: `npm run bench`
 * is where figures come from). A runner that silently moved the wrong bytes would make its row meaningless.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startHarness, TEST_KEY, type Harness } from './clientSupport/fixture';

const BENCH = path.resolve(__dirname, '../bench');
const run = promisify(execFile);

describe('bench runners', function () {
  this.timeout(60_000);
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let source: string;
  let content: Buffer;

  beforeEach(async () => {
    h = await startHarness();
    env = { PATH: process.env.PATH, MISTRAL_API_KEY: TEST_KEY, MISTRAL_BASE_URL: h.emulator.url };
    // Random bytes across many socket reads, so a body cut at the wrong place or a lost chunk would show.
    content = randomBytes(3 * 1024 * 1024 + 17);
    source = path.join(h.workDir, 'data.bin');
    fs.writeFileSync(source, content);
  });
  afterEach(async () => {
    await h.close();
  });

  it('the Node floor uploads and downloads the exact bytes and refuses a non-200 answer', async () => {
    const floor = path.join(BENCH, 'nodeFloor.js');
    const up = await run(process.execPath, [floor, 'upload', source, 'floor.bin'], { env });
    const id = up.stdout.trim();
    const remote = await h.client().files.retrieve(id);
    assert.equal(remote.filename, 'floor.bin');
    assert.equal(remote.bytes, content.length);

    const out = path.join(h.workDir, 'floor-copy.bin');
    const down = await run(process.execPath, [floor, 'download', id, out], { env });
    assert.equal(down.stdout.trim(), String(content.length));
    assert.ok(fs.readFileSync(out).equals(content));

    await assert.rejects(run(process.execPath, [floor, 'download', '00000000-0000-4000-8000-000000000000', out], { env }), /download answered HTTP\/1\.1 404/);
  });

  it('the in-process runner reports a first and a steady figure and leaves only the first upload behind', async () => {
    const runner = path.join(BENCH, 'inProcessRunner.js');
    const up = JSON.parse((await run(process.execPath, [runner, 'upload', source, 'inproc.bin'], { env })).stdout) as { id: string; first: number; steady: number };
    assert.ok(up.first > 0 && up.steady > 0);
    const remaining = (await h.client().files.list()).data;
    assert.deepEqual(remaining.map((file) => file.filename), ['inproc.bin'], 'the warm-up and the repeated uploads are deleted');
    assert.equal(remaining[0].id, up.id);

    const out = path.join(h.workDir, 'inproc-copy.bin');
    const down = JSON.parse((await run(process.execPath, [runner, 'download', up.id, out], { env })).stdout) as { bytes: number; first: number; steady: number };
    assert.equal(down.bytes, content.length);
    assert.ok(down.first > 0 && down.steady > 0);
    assert.ok(fs.readFileSync(out).equals(content));
  });
});
