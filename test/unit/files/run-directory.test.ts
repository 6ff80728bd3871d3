// The run's private directory and the sweep: a dead run's directory goes, a live one's and anything unproven stays.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  MARKER_NAME,
  makeRunDirectory,
  removeRunDirectory,
  sweepStaleRunDirectories,
} from '../../../src/files/run-directory.ts';

/** A PID that is surely gone: a process that has exited and been reaped. */
function deadPid(): number {
  const pid = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
  return Number(pid);
}

describe('run directories', () => {
  let place: string;
  beforeEach(() => {
    place = mkdtempSync(join(tmpdir(), 'withsecrets-place-'));
  });
  afterEach(() => rmSync(place, { recursive: true, force: true }));

  it('makes a 0700 directory named for the process, with a marker naming this process', () => {
    const directory = makeRunDirectory(place);
    assert.ok(directory.startsWith(join(place, `withsecrets-files-${process.pid}-`)));
    assert.equal(statSync(directory).mode & 0o777, 0o700);
    const marker = readFileSync(join(directory, MARKER_NAME), 'utf8');
    assert.match(
      marker,
      new RegExp(`^withsecrets run directory v1\\npid ${process.pid}\\nstart \\d+\\npidns .+\\n$`),
    );
    assert.equal(statSync(join(directory, MARKER_NAME)).mode & 0o777, 0o600);
  });

  it("removes a directory whose marker names a process that is gone, and keeps a live run's", () => {
    const live = makeRunDirectory(place);
    const dead = makeRunDirectory(place);
    const marker = join(dead, MARKER_NAME);
    writeFileSync(marker, readFileSync(marker, 'utf8').replace(`pid ${process.pid}`, `pid ${deadPid()}`));
    writeFileSync(join(dead, 'key'), 'FAKE-left-behind');
    assert.equal(sweepStaleRunDirectories(place), 1);
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(live), true);
  });

  it('removes a directory whose PID was taken by a later process (its start time differs)', () => {
    const reused = makeRunDirectory(place);
    const marker = join(reused, MARKER_NAME);
    writeFileSync(marker, readFileSync(marker, 'utf8').replace(/^start \d+$/m, 'start 1'));
    assert.equal(sweepStaleRunDirectories(place), 1);
    assert.equal(existsSync(reused), false);
  });

  it('keeps what it cannot prove is a dead run: no marker, another format, another PID namespace, a link, a wider mode', () => {
    const name = (suffix: string) => join(place, `withsecrets-files-1-${suffix}`);
    mkdirSync(name('nomarker'), { mode: 0o700 });
    const foreign = makeRunDirectory(place);
    const text = readFileSync(join(foreign, MARKER_NAME), 'utf8').replace(
      `pid ${process.pid}`,
      `pid ${deadPid()}`,
    );
    writeFileSync(join(foreign, MARKER_NAME), text.replace(/^pidns .+$/m, 'pidns pid:[1]'));
    const format = makeRunDirectory(place);
    writeFileSync(join(format, MARKER_NAME), text.replace('v1', 'v0'));
    const wide = makeRunDirectory(place);
    writeFileSync(join(wide, MARKER_NAME), text);
    rmSync(wide, { recursive: true });
    mkdirSync(wide, { mode: 0o755 });
    writeFileSync(join(wide, MARKER_NAME), text);
    const target = mkdtempSync(join(tmpdir(), 'withsecrets-target-'));
    writeFileSync(join(target, MARKER_NAME), text);
    symlinkSync(target, name('link'));
    try {
      assert.equal(sweepStaleRunDirectories(place), 0);
      for (const kept of [name('nomarker'), foreign, format, wide, name('link'), join(target, MARKER_NAME)]) {
        assert.equal(existsSync(kept), true, kept);
      }
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it('removeRunDirectory removes the files and the directory, and a second call is quiet', () => {
    const directory = makeRunDirectory(place);
    writeFileSync(join(directory, 'key'), 'FAKE');
    removeRunDirectory(directory);
    assert.equal(existsSync(directory), false);
    removeRunDirectory(directory);
  });

  it('removeRunDirectory keeps the marker of a directory the command left a directory in, so it stays known as ours', () => {
    const directory = makeRunDirectory(place);
    writeFileSync(join(directory, 'key'), 'FAKE');
    mkdirSync(join(directory, 'made-by-the-command'));
    removeRunDirectory(directory);
    assert.deepEqual(readdirSync(directory).sort(), [MARKER_NAME, 'made-by-the-command'].sort());
    rmSync(directory, { recursive: true, force: true });
  });
});
