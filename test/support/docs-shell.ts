/**
 * One bash session per document, fed the document's runnable blocks in order, like a reader pasting them into one
 * terminal: variables a block sets (KEY, WF, …) are there for the next one. The session runs with
 * `set -euo pipefail` (and inherit_errexit), so any failing command — not only the last one — ends it and fails the
 * block. Each block is sourced from its own file with stdin from /dev/null, so a command that reads stdin cannot
 * swallow the next block.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DONE = '__DOCS_TEST_BLOCK_DONE__';

export class DocsShell {
  private output = '';
  private exited: { code: number | null; signal: string | null } | undefined;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-docs-shell-'));
  private blocks = 0;
  private wake: (() => void) | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      this.wake?.();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code, signal) => {
      this.exited = { code, signal };
      this.wake?.();
    });
  }

  static start(options: { cwd: string; env: NodeJS.ProcessEnv }): DocsShell {
    // Its own process group, so stop() also ends whatever a block started (npm → tsx → node).
    const child = spawn('bash', ['--noprofile', '--norc'], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const shell = new DocsShell(child);
    child.stdin.write('set -euo pipefail\nshopt -s inherit_errexit\nexec 2>&1\n');
    return shell;
  }

  /** Runs one block; resolves with what it printed, or rejects (with the output) if it failed or timed out. */
  async run(script: string, timeoutMs: number): Promise<string> {
    if (this.exited) throw new Error(`the docs shell has ended (${JSON.stringify(this.exited)})`);
    const file = path.join(this.dir, `block-${++this.blocks}.sh`);
    writeFileSync(file, script);
    const startAt = this.output.length;
    this.child.stdin.write(`source '${file}' </dev/null\nprintf '\\n${DONE}\\n'\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.output.indexOf(`\n${DONE}\n`, startAt);
      if (end >= 0) {
        const printed = this.output.slice(startAt, end);
        this.output = '';
        return printed;
      }
      const exited = this.ended();
      if (exited) {
        throw new Error(
          `the block failed (bash exited with ${exited.code ?? exited.signal}); it printed:\n${this.output.slice(startAt)}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const printed = this.output.slice(startAt);
        this.stop();
        throw new Error(`the block did not finish within ${timeoutMs} ms; it printed:\n${printed}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** How bash ended, once it has (a method, so a check inside the wait loop is not narrowed away). */
  private ended(): { code: number | null; signal: string | null } | undefined {
    return this.exited;
  }

  /** Ends the session and everything it started. */
  stop(): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Ends the session and waits for bash to exit. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.stdin.end('exit 0\n');
      const timer = setTimeout(() => this.stop(), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
