/**
 * `npm run video` in its quick mode: the script as a child process (its own stack, Debian's Chromium and ffmpeg)
 * writes an MP4 and the stills to a temp folder; ffprobe checks the video's stream, size and length. The pure parts
 * of the encoder (length, ffmpeg's filter graph, the missing-ffmpeg message) are checked without running anything.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_ENCODE,
  ffmpegArgs,
  findFfmpegTool,
  run,
  videoSeconds,
} from '../../src/scripts/video-encode';
import { STILLS, VIDEO_FILE } from '../../src/scripts/video-files';
import { itEnv } from '../support/harness';

const repoRoot = path.resolve(__dirname, '../..');

interface TourSummary {
  video: string;
  bytes: number;
  seconds: number;
  frames: number;
  stills: string[];
}

/** Runs the script; answers its exit code, its output and the summary from its last line. */
function runVideoScript(
  args: string[],
  tmpDir: string,
): Promise<{ code: number | null; output: string; summary?: TourSummary }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'src/scripts/video.ts'), ...args],
      {
        cwd: repoRoot,
        // Its own temp folder: what the script (and Chromium) leave behind shows there, apart from other runs.
        env: { ...process.env, TMPDIR: tmpDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = /^\[video\] result (\{.*\})$/m.exec(output)?.[1];
      resolve({ code, output, summary: line ? (JSON.parse(line) as TourSummary) : undefined });
    });
  });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('the encoder (pure parts)', () => {
  const frames = [
    { file: 'a.png', seconds: 3 },
    { file: 'b.png', seconds: 1.5 },
    { file: 'c.png', seconds: 2 },
  ];

  it('counts each frame less the overlap of each cross-fade', () => {
    expect(videoSeconds(frames, 0.35)).toBe(5.8);
    expect(videoSeconds(frames, 0)).toBe(6.5);
    expect(videoSeconds([frames[0]], 0.35)).toBe(3);
  });

  it('chains xfade at the offsets where the earlier frames end, into H.264 yuv420p', () => {
    const args = ffmpegArgs(frames, 'out.mp4', DEFAULT_ENCODE);
    const graph = args[args.indexOf('-filter_complex') + 1];
    expect(graph).toContain('[f0][f1]xfade=transition=fade:duration=0.35:offset=2.65[x1]');
    expect(graph).toContain('[x1][f2]xfade=transition=fade:duration=0.35:offset=3.8[x2]');
    expect(graph).toContain('scale=1280:720');
    expect(args.slice(args.indexOf('-map'), args.indexOf('-map') + 2)).toEqual(['-map', '[x2]']);
    expect(args).toEqual(expect.arrayContaining(['libx264', 'yuv420p', '+faststart']));
    expect(args.at(-1)).toBe('out.mp4');
    expect(() => ffmpegArgs([{ file: 'short.png', seconds: 0.3 }], 'x.mp4', DEFAULT_ENCODE)).toThrow(
      /not longer than the 0.35 s fade/,
    );
  });

  it('names the package to install when ffmpeg is missing', () => {
    expect(() => findFfmpegTool('ffmpeg', { PATH: '/nonexistent' })).toThrow(/apt-get install -y ffmpeg/);
  });
});

describe('npm run video -- --quick', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-video-test-'));
  });
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('records the tour into an MP4 with the stills, and cleans up after itself', async () => {
    const outDir = path.join(workDir, 'out');
    const tmpDir = path.join(workDir, 'tmp');
    mkdirSync(tmpDir);
    // tsx keeps its compile cache in the temp folder: share the usual one rather than compile everything again.
    const tsxCache = `tsx-${os.userInfo().uid}`;
    if (existsSync(path.join(os.tmpdir(), tsxCache))) {
      symlinkSync(path.join(os.tmpdir(), tsxCache), path.join(tmpDir, tsxCache));
    }
    const { code, output, summary } = await runVideoScript(
      ['--out', outDir, '--quick', '--bundle', itEnv().bundlePath],
      tmpDir,
    );
    if (code !== 0 || !summary) throw new Error(`video script failed (exit ${code}):\n${output}`);

    // Quick mode: the first step and the steps with stills, one second each, cross-faded.
    const video = path.join(outDir, VIDEO_FILE);
    expect(summary.video).toBe(video);
    expect(summary.frames).toBe(Object.keys(STILLS).length + 1);
    const expectedSeconds = videoSeconds(
      Array.from({ length: summary.frames }, () => ({ file: '', seconds: 1 })),
      DEFAULT_ENCODE.fadeSeconds,
    );
    expect(summary.seconds).toBe(expectedSeconds);

    const probe = JSON.parse(
      await run(findFfmpegTool('ffprobe'), [
        '-v',
        'error',
        '-show_entries',
        'format=duration,size:stream=codec_type,codec_name,width,height,pix_fmt,r_frame_rate',
        '-of',
        'json',
        video,
      ]),
    ) as { format: { duration: string; size: string }; streams: Record<string, string | number>[] };
    expect(probe.streams).toEqual([
      {
        codec_name: 'h264',
        codec_type: 'video',
        width: 1280,
        height: 720,
        pix_fmt: 'yuv420p',
        r_frame_rate: '25/1',
      },
    ]);
    expect(Math.abs(Number(probe.format.duration) - expectedSeconds)).toBeLessThan(0.1);
    expect(Number(probe.format.size)).toBe(summary.bytes);
    expect(summary.bytes).toBeLessThan(2 * 1024 * 1024);

    expect(summary.stills.map((file) => path.basename(file)).sort()).toEqual(Object.values(STILLS).sort());
    for (const still of summary.stills) expect(pngSize(still)).toEqual([1280, 720]);
    // Nothing else in the output folder; the stack's, the frames' and Chromium's temp folders are gone.
    expect(readdirSync(outDir).sort()).toEqual([...Object.values(STILLS), VIDEO_FILE].sort());
    expect(readdirSync(tmpDir).filter((name) => name !== tsxCache)).toEqual([]);
  });
});
