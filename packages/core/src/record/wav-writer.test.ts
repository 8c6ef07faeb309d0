import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWavWriter } from './wav-writer.js';
import { parseWav } from './wav.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wav-writer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The header fields, read byte by byte, independent of parseWav. */
function header(bytes: Buffer) {
  return {
    riff: bytes.toString('latin1', 0, 4),
    riffSize: bytes.readUInt32LE(4),
    wave: bytes.toString('latin1', 8, 12),
    fmt: bytes.toString('latin1', 12, 16),
    fmtSize: bytes.readUInt32LE(16),
    formatTag: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    byteRate: bytes.readUInt32LE(28),
    blockAlign: bytes.readUInt16LE(32),
    bitsPerSample: bytes.readUInt16LE(34),
    data: bytes.toString('latin1', 36, 40),
    dataSize: bytes.readUInt32LE(40),
  };
}

describe('createWavWriter', () => {
  it('writes a canonical header whose sizes are patched on close, and the samples in little-endian order', async () => {
    const path = join(dir, 'a.wav');
    const wav = createWavWriter(path, { sampleRate: 8000, channels: 2 });
    void wav.write(new Int16Array([1, -1, 256, -256]));
    await wav.write(new Int16Array([32767, -32768]));
    await wav.close();
    const bytes = await readFile(path);
    expect(bytes.length).toBe(44 + 12);
    expect(header(bytes)).toEqual({
      riff: 'RIFF',
      riffSize: 36 + 12,
      wave: 'WAVE',
      fmt: 'fmt ',
      fmtSize: 16,
      formatTag: 1,
      channels: 2,
      sampleRate: 8000,
      byteRate: 32000,
      blockAlign: 4,
      bitsPerSample: 16,
      data: 'data',
      dataSize: 12,
    });
    expect([...bytes.subarray(44)]).toEqual([1, 0, 0xff, 0xff, 0, 1, 0, 0xff, 0xff, 0x7f, 0, 0x80]);
    expect(wav.frames).toBe(3);
  });

  it('has a placeholder header with zero sizes until it is closed', async () => {
    const path = join(dir, 'b.wav');
    const wav = createWavWriter(path, { sampleRate: 16000 });
    await wav.write(new Int16Array(320).fill(7));
    const before = await readFile(path);
    expect(before.length).toBe(44 + 640);
    expect(header(before).dataSize).toBe(0);
    expect(header(before).riffSize).toBe(36);
    await wav.close();
    const after = parseWav(await readFile(path));
    expect(after).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(after.samples).toEqual(new Int16Array(320).fill(7));
  });

  it('copies the samples at write time, so the caller may reuse its array', async () => {
    const path = join(dir, 'c.wav');
    const wav = createWavWriter(path, { sampleRate: 8000 });
    const scratch = new Int16Array([5, 6, 7, 8]);
    void wav.write(scratch.subarray(1, 3));
    scratch.fill(0);
    await wav.close();
    expect(parseWav(await readFile(path)).samples).toEqual(new Int16Array([6, 7]));
  });

  it('keeps many queued writes in order', async () => {
    const path = join(dir, 'd.wav');
    const wav = createWavWriter(path, { sampleRate: 8000 });
    for (let i = 0; i < 200; i++)
      void wav.write(Int16Array.from({ length: 160 }, (_, k) => i * 160 + k - 16000));
    await wav.close();
    const { samples } = parseWav(await readFile(path));
    expect(samples).toEqual(Int16Array.from({ length: 32000 }, (_, k) => k - 16000));
  });

  it('writes an empty but valid file when nothing was written', async () => {
    const path = join(dir, 'e.wav');
    await createWavWriter(path, { sampleRate: 24000, channels: 2 }).close();
    const bytes = await readFile(path);
    expect(bytes.length).toBe(44);
    expect(header(bytes)).toMatchObject({
      riffSize: 36,
      dataSize: 0,
      channels: 2,
      sampleRate: 24000,
    });
  });

  it('rejects a partial frame, a write after close and invalid options', async () => {
    const wav = createWavWriter(join(dir, 'f.wav'), { sampleRate: 8000, channels: 2 });
    expect(() => wav.write(new Int16Array(3))).toThrow(RangeError);
    await wav.close();
    await wav.close(); // idempotent
    expect(() => wav.write(new Int16Array(2))).toThrow(/closed/);
    expect(() => createWavWriter(join(dir, 'g.wav'), { sampleRate: 0 })).toThrow(RangeError);
    expect(() => createWavWriter(join(dir, 'g.wav'), { sampleRate: 8000, channels: 0 })).toThrow(
      RangeError,
    );
  });

  it('reports a file that cannot be opened through ready, write and close', async () => {
    await writeFile(join(dir, 'a-file'), '');
    const wav = createWavWriter(join(dir, 'a-file', 'h.wav'), { sampleRate: 8000 });
    await expect(wav.ready).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(wav.write(new Int16Array(2))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(wav.close()).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('creates the folders missing on its path', async () => {
    const path = join(dir, 'missing', 'deeper', 'h.wav');
    const wav = createWavWriter(path, { sampleRate: 8000 });
    await wav.write(Int16Array.of(1, -2));
    await wav.close();
    expect(parseWav(await readFile(path)).samples).toEqual(Int16Array.of(1, -2));
  });
});
