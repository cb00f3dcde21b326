/**
 * Fenced code blocks of a Markdown file and the `docs-test` markers that say how test/integration/docs.test.ts
 * checks each one. A marker is an HTML comment on the line right before the opening fence (invisible when the
 * Markdown is rendered):
 *
 *   <!-- docs-test: run id=trigger -->            run it in the document's shell; check `trigger` reads the output
 *   <!-- docs-test: run id=503 target=down -->    the same against another target (see docs.test.ts)
 *   <!-- docs-test: output of=trigger -->         what `trigger` printed: each line must match, in order; … is a wildcard
 *   <!-- docs-test: syntax -->                    cannot run here (helm install, docker, npm ci): `bash -n` only
 *   <!-- docs-test: syntax id=quickstart -->      … plus check `quickstart`
 *   <!-- docs-test: file path=docs/examples/x.ts -->     the block is that file, verbatim
 *   <!-- docs-test: excerpt path=src/worker.ts -->       each line is in that file, except lines ending in `// new`
 *   <!-- docs-test: message id=missing-cli -->    a message the code prints; check `missing-cli` reproduces it
 *   <!-- docs-test: diagram id=architecture -->   a diagram; check `architecture` holds it against the code
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const MARKER_MODES = ['run', 'output', 'syntax', 'file', 'excerpt', 'message', 'diagram'] as const;
export type MarkerMode = (typeof MARKER_MODES)[number];

export interface DocMarker {
  mode: MarkerMode;
  attrs: Record<string, string>;
}

export interface DocBlock {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`bash`, `ts`, `text`, `mermaid`, …). */
  lang: string;
  /** The block's content, each line ending in a newline. */
  text: string;
  marker?: DocMarker;
}

export interface ParsedDoc {
  blocks: DocBlock[];
  /** Markers that are malformed or not followed by a fence. */
  problems: string[];
}

const MARKER_LINE = /^\s*<!--\s*docs-test:(.*?)-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;

export function parseMarker(comment: string): DocMarker | string {
  const [mode, ...pairs] = comment.trim().split(/\s+/);
  if (!(MARKER_MODES as readonly string[]).includes(mode)) return `unknown docs-test mode "${mode}"`;
  const attrs: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([a-z]+)=(\S+)$/.exec(pair);
    if (!match) return `malformed docs-test attribute "${pair}"`;
    attrs[match[1]] = match[2];
  }
  return { mode: mode as MarkerMode, attrs };
}

export function parseMarkdown(markdown: string, file: string): ParsedDoc {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  const problems: string[] = [];
  let pending: { marker: DocMarker; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const markerMatch = MARKER_LINE.exec(lines[i]);
    if (markerMatch) {
      if (pending) problems.push(`${file}:${pending.line}: docs-test marker not followed by a code block`);
      const parsed = parseMarker(markerMatch[1]);
      if (typeof parsed === 'string') {
        problems.push(`${file}:${i + 1}: ${parsed}`);
        pending = undefined;
      } else {
        pending = { marker: parsed, line: i + 1 };
      }
      continue;
    }
    const fence = FENCE.exec(lines[i]);
    if (!fence && pending && lines[i].trim() === '') continue;
    if (!fence) {
      if (pending) problems.push(`${file}:${pending.line}: docs-test marker not followed by a code block`);
      pending = undefined;
      continue;
    }
    const [, indent, ticks, info] = fence;
    const content: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2][0] === ticks[0] && close[2].length >= ticks.length && close[3].trim() === '')
        break;
      content.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (j >= lines.length) problems.push(`${file}:${i + 1}: code block never closed`);
    blocks.push({
      file,
      line: i + 1,
      lang: info.trim().split(/\s+/)[0] ?? '',
      text: content.map((l) => `${l}\n`).join(''),
      ...(pending ? { marker: pending.marker } : {}),
    });
    pending = undefined;
    i = j;
  }
  if (pending) problems.push(`${file}:${pending.line}: docs-test marker not followed by a code block`);
  return { blocks, problems };
}

export function readDoc(repoRoot: string, file: string): ParsedDoc & { markdown: string } {
  const markdown = readFileSync(path.join(repoRoot, file), 'utf8');
  return { markdown, ...parseMarkdown(markdown, file) };
}

/** `file:line (id)` for messages. */
export function where(block: DocBlock): string {
  const id = block.marker?.attrs.id ?? block.marker?.attrs.of ?? block.marker?.attrs.path;
  return `${block.file}:${block.line}${id ? ` (${id})` : ''}`;
}

/** Replaces every occurrence of each `from` with its `to`, in order. */
export function substitute(text: string, replacements: readonly (readonly [string, string])[]): string {
  return replacements.reduce((out, [from, to]) => out.split(from).join(to), text);
}

/**
 * Whether `actual` shows what `expected` (a block of sample output) says: each non-blank expected line matches a
 * later line of the actual output, in order, with `…` matching any text. Returns the first line that did not match.
 */
export function unmatchedOutputLine(expected: string, actual: string): string | undefined {
  const actualLines = actual.split('\n').map((l) => l.trimEnd());
  let from = 0;
  for (const line of expected.split('\n').map((l) => l.trimEnd())) {
    if (line.trim() === '') continue;
    const pattern = new RegExp(
      `^${line
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const found = actualLines.findIndex((candidate, index) => index >= from && pattern.test(candidate));
    if (found < 0) return line;
    from = found + 1;
  }
  return undefined;
}

/** Every top-level JSON object or array printed in `text` (jq output, curl bodies), in order. */
export function jsonValues(text: string): any[] {
  const values: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth > 0 && c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if ((c === '}' || c === ']') && depth > 0) {
      depth--;
      if (depth === 0) {
        try {
          values.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          // not JSON after all (e.g. "[dev] …" text); skip it
        }
      }
    }
  }
  return values;
}
