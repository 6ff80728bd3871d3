// The masking stream: same bytes as one-shot masking whatever the chunking, hold/release timing,
// backpressure, and swapping masks on rotation.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { inspect } from 'node:util';
import { type CompiledMask, compileMask, maskBytes } from '../../../src/mask/masker.ts';
import { createMaskStream, type MaskStream } from '../../../src/mask/stream.ts';
import { seededRandom } from '../seeded-random.ts';

function randomChunks(random: () => number, data: Buffer, maxSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

async function streamThrough(mask: CompiledMask, chunks: readonly Uint8Array[]): Promise<Buffer> {
  const stream = createMaskStream(mask);
  const received: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => received.push(chunk));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await once(stream, 'end');
  return Buffer.concat(received);
}

/** Everything the stream has emitted so far, read synchronously. */
function readNow(stream: MaskStream): string {
  let text = '';
  for (let chunk = stream.read(); chunk !== null; chunk = stream.read()) text += chunk.toString();
  return text;
}

const VALUE = 'fake-token-1234';
const VALUES = [VALUE, 'fake-pässwörd-☃', 'abcd', 'bcdefg', 'secret', 'secret2'];

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

describe('chunking', () => {
  const mask = compileMask(VALUES, { minLength: 4 });

  it('gives the same bytes as one-shot masking for random texts and random chunkings', async () => {
    const random = seededRandom(2024);
    const forms = [
      VALUE,
      Buffer.from(VALUE).toString('base64'),
      encodeURIComponent(VALUES[1] as string),
      'secret2',
    ];
    const filler = [...'ab cdefgs\n', 'ü', '🎉', 'secre', 'fake-'];
    for (let round = 0; round < 150; round++) {
      const pieces: string[] = [];
      for (let i = 0; i < 20; i++) {
        pieces.push(filler[Math.floor(random() * filler.length)] as string);
        if (random() < 0.3) pieces.push(forms[Math.floor(random() * forms.length)] as string);
      }
      const data = Buffer.from(pieces.join(''));
      const expected = maskBytes(mask, data);
      const maxSize = round % 3 === 0 ? 1 : 1 + Math.floor(random() * 40);
      assert.deepEqual(
        await streamThrough(mask, randomChunks(random, data, maxSize)),
        expected,
        `round ${round}`,
      );
    }
  });

  it('masks a value split inside a multibyte character, at every split point', async () => {
    const data = Buffer.from(`🎉 ${VALUES[1]} ü🎉`);
    for (let split = 1; split < data.length; split++) {
      const output = await streamThrough(mask, [data.subarray(0, split), data.subarray(split)]);
      assert.equal(output.toString(), '🎉 *** ü🎉', `split at ${split}`);
    }
  });

  it('passes raw binary and invalid UTF-8 through byte for byte', async () => {
    const random = seededRandom(5);
    const invalid = Buffer.from([0xff, 0xfe, 0x80, 0xe2, 0x82, 0xc0, 0xaf, 0xed, 0xa0, 0x80]);
    const noise = Buffer.from(Array.from({ length: 200_000 }, () => Math.floor(random() * 256)));
    const data = Buffer.concat([invalid, noise, invalid]);
    assert.deepEqual(maskBytes(mask, data), data, 'precondition: no value occurs in the noise');
    assert.deepEqual(await streamThrough(mask, randomChunks(random, data, 5000)), data);
  });

  it('passes bytes straight through with a mask of no values', async () => {
    const data = Buffer.from([0x00, 0xff, 0x66, 0x61, 0x6b, 0x65]);
    assert.deepEqual(
      await streamThrough(compileMask([], { minLength: 4 }), [data, data]),
      Buffer.concat([data, data]),
    );
  });
});

describe('holding and releasing a possible partial match', () => {
  const mask = compileMask(VALUES, { minLength: 4 });

  it('never shows held or buffered bytes when inspected', () => {
    const stream = createMaskStream(mask);
    stream.write('fake-tok');
    assert.equal(inspect(stream, { depth: 10, showHidden: true }), 'MaskStream { heldLength: 8 }');
  });

  it('emits a prompt that starts no value at once, holding nothing', () => {
    const stream = createMaskStream(mask);
    stream.write('Password: ');
    assert.equal(readNow(stream), 'Password: ');
    assert.equal(stream.heldLength, 0);
  });

  it('releases a partial shorter than minLength after 50 ms of quiet, not before', () => {
    const stream = createMaskStream(mask);
    stream.write('prompt fa');
    assert.equal(readNow(stream), 'prompt ');
    mock.timers.tick(49);
    assert.equal(readNow(stream), '');
    mock.timers.tick(1);
    assert.equal(readNow(stream), 'fa');
  });

  it('counts the quiet period from the last chunk received', () => {
    const stream = createMaskStream(mask);
    stream.write('fa');
    mock.timers.tick(40);
    stream.write('k');
    mock.timers.tick(40);
    assert.equal(readNow(stream), '');
    mock.timers.tick(10);
    assert.equal(readNow(stream), 'fak');
  });

  it('releases a partial of minLength or more after 1 s, not before', () => {
    const stream = createMaskStream(mask);
    stream.write('id fake-t');
    assert.equal(readNow(stream), 'id ');
    mock.timers.tick(999);
    assert.equal(readNow(stream), '');
    mock.timers.tick(1);
    assert.equal(readNow(stream), 'fake-t');
  });

  it('still masks the rest of a value that completes after its start was released', () => {
    const stream = createMaskStream(mask);
    stream.write('np fa');
    mock.timers.tick(50);
    assert.equal(readNow(stream), 'np fa');
    stream.write('ke-token-1234\n');
    assert.equal(readNow(stream), '***\n');
  });

  it('takes the hold times from the options', () => {
    const stream = createMaskStream(mask, { shortHoldMs: 5, longHoldMs: 20 });
    stream.write('fa');
    mock.timers.tick(5);
    assert.equal(readNow(stream), 'fa');
    stream.write('\nfake-t');
    mock.timers.tick(19);
    assert.equal(readNow(stream), '\n');
    mock.timers.tick(1);
    assert.equal(readNow(stream), 'fake-t');
  });

  it('emits a complete value at once and swallows a longer value that continues it', () => {
    const stream = createMaskStream(mask);
    stream.write('x secret');
    assert.equal(readNow(stream), 'x ***');
    stream.write('2 y');
    assert.equal(readNow(stream), ' y');
  });

  it('writes out everything held when the input ends', async () => {
    const stream = createMaskStream(mask);
    stream.write('last words fake-tok');
    stream.end();
    await once(stream, 'finish');
    assert.equal(readNow(stream), 'last words fake-tok');
  });
});

describe('backpressure and memory', () => {
  const mask = compileMask(VALUES, { minLength: 4 });

  it('stops transforming while nobody reads, then delivers every byte in order', async () => {
    const stream = createMaskStream(mask);
    const chunk = Buffer.alloc(16 * 1024, '.');
    const results = Array.from({ length: 64 }, () => stream.write(chunk));
    const firstRefusal = results.indexOf(false);
    assert.ok(firstRefusal >= 0 && firstRefusal <= 1, `the writer is told to wait at write ${firstRefusal}`);
    assert.ok(
      stream.readableLength <= stream.readableHighWaterMark + chunk.length,
      'the transform stopped pulling',
    );
    assert.ok(stream.writableLength >= 60 * chunk.length, 'the rest waits on the writable side');
    const received: Buffer[] = [];
    stream.on('data', (data: Buffer) => received.push(data));
    stream.end();
    await once(stream, 'end');
    assert.deepEqual(Buffer.concat(received), Buffer.concat(Array.from({ length: 64 }, () => chunk)));
  });

  it('slows a piped producer to the pace of the reader', async () => {
    let produced = 0;
    const producer = new Readable({
      read() {
        produced++;
        this.push(Buffer.alloc(1024, 'x'));
      },
    });
    const stream = createMaskStream(mask);
    producer.pipe(stream);
    for (let turn = 0; turn < 50; turn++) await nextTurn();
    const bound =
      (stream.readableHighWaterMark + stream.writableHighWaterMark + producer.readableHighWaterMark) / 1024;
    assert.ok(produced <= bound + 4, `produced ${produced} chunks of 1 KiB with nobody reading`);
    producer.destroy();
    stream.destroy();
  });

  it('holds at most the longest pattern minus one byte, however long a run of near-misses', () => {
    const stream = createMaskStream(mask);
    const random = seededRandom(8);
    for (let i = 0; i < 2000; i++) {
      stream.write(VALUE.slice(0, Math.floor(random() * VALUE.length)));
      assert.ok(stream.heldLength <= mask.maxPatternLength - 1, `write ${i}`);
      readNow(stream);
    }
  });

  it('masks an endless run of overlapping occurrences as one *** without holding it', () => {
    const stream = createMaskStream(compileMask(['aaaa'], { minLength: 4 }));
    let output = '';
    for (let i = 0; i < 1000; i++) {
      stream.write('a'.repeat(1000));
      assert.ok(stream.heldLength <= 3);
      output += readNow(stream);
    }
    stream.end('b');
    assert.equal(output + readNow(stream), '***b');
  });
});

describe('setMask', () => {
  const oldValue = 'fake-old-1234';
  const newValue = 'fake-new-5678';

  it('masks the new value after the swap, and the old one still', () => {
    const stream = createMaskStream(compileMask([oldValue], { minLength: 4 }));
    stream.write(`${oldValue} ${newValue}\n`);
    assert.equal(readNow(stream), `*** ${newValue}\n`);
    stream.setMask(compileMask([oldValue, newValue], { minLength: 4 }));
    stream.write(`${oldValue} ${newValue}\n`);
    assert.equal(readNow(stream), '*** ***\n');
  });

  it('re-examines the held part against the new mask', () => {
    const stream = createMaskStream(compileMask([oldValue], { minLength: 4 }));
    stream.write('x fake-');
    assert.equal(readNow(stream), 'x ');
    stream.setMask(compileMask([oldValue, newValue], { minLength: 4 }));
    stream.write('new-5678 y');
    assert.equal(readNow(stream), '*** y');
  });

  it('emits at once what is held when swapped to a mask of no values', () => {
    const stream = createMaskStream(compileMask([oldValue], { minLength: 4 }));
    stream.write('x fake-old');
    stream.setMask(compileMask([], { minLength: 4 }));
    assert.equal(readNow(stream), 'x fake-old');
    stream.write(' y');
    assert.equal(readNow(stream), ' y');
  });

  it('emits at once a held part that the new mask cannot complete', () => {
    const stream = createMaskStream(compileMask([oldValue], { minLength: 4 }));
    stream.write('x fake-');
    stream.setMask(compileMask(['other-9999'], { minLength: 4 }));
    assert.equal(readNow(stream), 'x fake-');
    assert.equal(stream.heldLength, 0);
  });
});
