/**
 * Stitching the tour's screenshots into an MP4 with Debian's ffmpeg: each frame is held for its own duration and
 * cross-fades into the next (xfade), encoded as H.264 (libx264, yuv420p, +faststart) so any browser or GitHub plays
 * it. The captions are already in the screenshots (drawn by the browser), so no font is needed here.
 */
import { spawn } from 'node:child_process';
import { findOnPath } from '../tooling/find-tool';
import path from 'node:path';

export interface VideoFrame {
  /** A PNG screenshot of exactly `width`×`height`. */
  file: string;
  /** How long the frame shows, fade-in included. */
  seconds: number;
}

export interface EncodeOptions {
  width: number;
  height: number;
  fps: number;
  /** Cross-fade between consecutive frames, in seconds (0: hard cuts). Each frame must last longer. */
  fadeSeconds: number;
  /** libx264 constant rate factor: 18 near-lossless … 30 small; screenshots stay sharp around 28-30. */
  crf: number;
}

export const DEFAULT_ENCODE: EncodeOptions = {
  width: 1280,
  height: 720,
  fps: 25,
  fadeSeconds: 0.35,
  crf: 30,
};

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** The video's length: every frame's time, less the overlap of each cross-fade. */
export function videoSeconds(frames: readonly VideoFrame[], fadeSeconds: number): number {
  const total = frames.reduce((sum, frame) => sum + frame.seconds, 0);
  return round3(total - fadeSeconds * Math.max(0, frames.length - 1));
}

/** ffmpeg's arguments: one looped image input per frame, scaled/padded to the size, chained through xfade. */
export function ffmpegArgs(frames: readonly VideoFrame[], output: string, options: EncodeOptions): string[] {
  if (frames.length === 0) throw new Error('no frames to encode');
  const { width, height, fps, fadeSeconds, crf } = options;
  const tooShort = frames.find((frame) => frame.seconds <= fadeSeconds);
  if (tooShort) {
    throw new Error(
      `frame ${tooShort.file} lasts ${tooShort.seconds} s, not longer than the ${fadeSeconds} s fade`,
    );
  }
  const inputs = frames.flatMap((frame) => [
    '-loop',
    '1',
    '-framerate',
    String(fps),
    '-t',
    String(frame.seconds),
    '-i',
    frame.file,
  ]);
  const filters = frames.map(
    (_, i) =>
      `[${i}:v]scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
      `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=white,setsar=1,fps=${fps},format=yuv420p,settb=AVTB[f${i}]`,
  );
  let last = 'f0';
  let elapsed = frames[0].seconds;
  for (let i = 1; i < frames.length; i++) {
    const label = `x${i}`;
    if (fadeSeconds > 0) {
      // xfade's offset is on the chained output's clock: where the previous frames (less their fades) end.
      const offset = round3(elapsed - fadeSeconds * i);
      filters.push(
        `[${last}][f${i}]xfade=transition=fade:duration=${fadeSeconds}:offset=${offset}[${label}]`,
      );
    } else {
      filters.push(`[${last}][f${i}]concat=n=2:v=1:a=0[${label}]`);
    }
    elapsed += frames[i].seconds;
    last = label;
  }
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    filters.join(';'),
    '-map',
    `[${last}]`,
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'medium',
    '-tune',
    'stillimage',
    '-crf',
    String(crf),
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(fps),
    '-movflags',
    '+faststart',
    output,
  ];
}

/** `ffmpeg` (or `ffprobe`) on PATH, or an error that says how to install Debian's package. */
export function findFfmpegTool(
  name: 'ffmpeg' | 'ffprobe' = 'ffmpeg',
  env: NodeJS.ProcessEnv = process.env,
): string {
  const found = findOnPath(name, env);
  if (!found) {
    throw new Error(
      `${name} not found on PATH. Install Debian's build: \`apt-get install -y ffmpeg\` ` +
        '(scripts/setup.sh does it when run as root).',
    );
  }
  return found;
}

/** Runs a tool to completion; rejects with its stderr when it fails. */
export function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`${path.basename(command)} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

/** Encodes the frames into `output`; answers the video's length in seconds. */
export async function encodeVideo(
  frames: readonly VideoFrame[],
  output: string,
  options: EncodeOptions = DEFAULT_ENCODE,
): Promise<number> {
  await run(findFfmpegTool('ffmpeg'), ffmpegArgs(frames, output, options));
  return videoSeconds(frames, options.fadeSeconds);
}
