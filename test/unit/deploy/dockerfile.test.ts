/**
 * The production Dockerfile and its build context, checked without a Docker engine: dockerfile-utils' validator
 * must report nothing, and our own rules (`dockerfileProblems`, `dockerignoreProblems`) check what a build cannot
 * show: pinned base images on the Node major package.json pins, a non-root user, an init, a health check, no secrets
 * in ARG/ENV, no dependency install scripts and no sources in the runtime stage. Each rule is shown to fire on a
 * deliberately bad file. The last tests check that what the image runs is what tsc builds, and run
 * docker/healthcheck.js (the image's HEALTHCHECK) against real HTTP servers.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  DockerfileParser,
  From,
  Healthcheck,
  JSONInstruction,
  ModifiableInstruction,
  PropertyInstruction,
  type Dockerfile,
  type Instruction,
} from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const dockerfileText = read('Dockerfile');
const dockerignoreText = read('.dockerignore');
const packageJson = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
const pinnedNodeMajor = Number(/\d+/.exec(packageJson.devDependencies.node)?.[0]);

// ---------------------------------------------------------------------------------------------------------------
// Parsing helpers

interface Stage {
  index: number;
  from: From;
  /** The `AS` name, lower-cased (Docker compares stage names case-insensitively). */
  name: string | null;
  instructions: Instruction[];
}

/** Build stages in order, each with the instructions after its FROM. Instructions before the first FROM are ARGs. */
function stagesOf(dockerfile: Dockerfile): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      stages.push({
        index: stages.length,
        from: instruction,
        name: instruction.getBuildStage()?.toLowerCase() ?? null,
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const keyword = (instruction: Instruction) => instruction.getKeyword().toUpperCase();
const ofKind = (stage: Stage, kind: string) => stage.instructions.filter((i) => keyword(i) === kind);
/** The instruction on one line, flags included. */
const text = (instruction: Instruction) => instruction.toString();

/** COPY/ADD --from (dockerfile-ast's own getFromFlag only sees it when it is the only flag). */
function fromFlag(instruction: Instruction): string | null {
  if (!(instruction instanceof ModifiableInstruction)) return null;
  return (
    instruction
      .getFlags()
      .find((flag) => flag.getName().toLowerCase() === 'from')
      ?.getValue() ?? null
  );
}

/** Exec-form arguments (`["a", "b"]`) or, for the shell form, the words. */
function words(instruction: Instruction): string[] {
  if (instruction instanceof JSONInstruction) {
    const json = instruction.getJSONStrings().map((s) => s.getJSONValue());
    if (json.length > 0) return json;
  }
  return instruction.getArguments().map((a) => a.getValue());
}

/** Name/value pairs of ARG and ENV instructions (an ARG without a default has a null value). */
function properties(instruction: Instruction): { name: string; value: string | null }[] {
  if (!(instruction instanceof PropertyInstruction)) return [];
  return instruction.getProperties().map((p) => ({ name: p.getName(), value: p.getValue() }));
}

/** The defaults of the ARGs before the first FROM, which FROM lines may use. */
function globalArgsOf(dockerfile: Dockerfile): Map<string, string> {
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    for (const { name, value } of properties(arg)) if (value !== null) args.set(name, value);
  }
  return args;
}

type ImageRef = { kind: 'stage'; stage: Stage } | { kind: 'image'; image: string };

/** What a FROM builds on: an earlier stage, or an image reference with the global ARG defaults filled in. */
function baseOf(stages: Stage[], stage: Stage, globalArgs: Map<string, string>): ImageRef {
  const raw = stage.from.getImage() ?? '';
  const image = raw.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const value = globalArgs.get(braced ?? bare ?? '');
    return value ?? whole;
  });
  const earlier = stages.slice(0, stage.index).find((s) => s.name === image.toLowerCase());
  return earlier ? { kind: 'stage', stage: earlier } : { kind: 'image', image };
}

/** A stage and the stages it builds on, nearest first, ending at the one FROM an image. */
function chainOf(stages: Stage[], stage: Stage, globalArgs: Map<string, string>): [Stage[], string] {
  const chain = [stage];
  for (;;) {
    const base = baseOf(stages, chain.at(-1)!, globalArgs);
    if (base.kind === 'image') return [chain, base.image];
    chain.push(base.stage);
  }
}

function splitImage(image: string): { name: string; tag: string | null; digest: string | null } {
  const [withoutDigest, digest = null] = image.split('@', 2);
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  return {
    name: hasTag ? withoutDigest.slice(0, colon) : withoutDigest,
    tag: hasTag ? withoutDigest.slice(colon + 1) : null,
    digest,
  };
}

/** An exact version (24.21.0, optionally with a variant such as -bookworm-slim) or a sha256 digest. */
function isPinned(image: string): boolean {
  if (image === 'scratch') return true;
  const { tag, digest } = splitImage(image);
  if (digest !== null) return /^sha256:[0-9a-f]{64}$/.test(digest);
  return tag !== null && /^v?\d+\.\d+\.\d+(?:[-+._][\w.-]+)?$/.test(tag);
}

/** RUN command text with line continuations joined, split into the commands of a `a && b; c | d` list. */
function shellCommands(instruction: Instruction): string[] {
  return (instruction.getArgumentsContent() ?? '')
    .replace(/\\\r?\n/g, ' ')
    .split(/&&|\|\||[;|\n]/)
    .map((command) => command.trim())
    .filter(Boolean);
}

/** The instruction of a kind in effect for a stage: its own last one, else the nearest base stage's. */
function effective(chain: Stage[], kind: string): Instruction | undefined {
  for (const stage of chain) {
    const found = ofKind(stage, kind);
    if (found.length > 0) return found.at(-1);
  }
  return undefined;
}

function lastWorkdir(chain: Stage[]): string {
  const workdir = effective(chain, 'WORKDIR');
  return workdir ? (words(workdir)[0] ?? '/') : '/';
}

const SECRET_NAME = /TOKEN|SECRET|PASSW(?:OR)?D|PASSPHRASE|CREDENTIAL|KEY/i;
const INIT_BINARIES = ['tini', 'tini-static', 'dumb-init', 'docker-init'];
const INSTALL_COMMAND = /\b(?:npm|pnpm|yarn)\s+(?:ci|clean-install|install|i|add)\b/;
const SCRIPT_RUNNER = /\bnpm\s+(?:run|run-script|exec|start|test)\b|\bnpx\b/;

// ---------------------------------------------------------------------------------------------------------------
// The rules

/** Everything wrong with a Dockerfile by our image rules (an empty list: nothing). */
function dockerfileProblems(dockerfile: string, nodeMajor: number): string[] {
  const parsed = DockerfileParser.parse(dockerfile);
  const problems: string[] = [];
  const globalArgs = globalArgsOf(parsed);

  const stages = stagesOf(parsed);
  if (stages.length < 3) {
    problems.push(
      `fewer than 3 build stages (found ${stages.length}): build, production dependencies, runtime`,
    );
  }
  for (const stage of stages) {
    const base = baseOf(stages, stage, globalArgs);
    if (base.kind === 'image' && !isPinned(base.image)) {
      problems.push(
        `FROM ${base.image} (stage ${stage.name ?? stage.index}) is not pinned to an exact version tag or a digest`,
      );
    }
  }

  for (const instruction of parsed.getInstructions()) {
    for (const { name, value } of properties(instruction)) {
      if (SECRET_NAME.test(name) && value !== null && value !== '') {
        problems.push(`${keyword(instruction)} ${name} looks like a secret but carries a value`);
      }
    }
  }

  for (const stage of stages) {
    const [chain] = chainOf(stages, stage, globalArgs);
    const ignoreScriptsEnv = chain.some((s) =>
      ofKind(s, 'ENV').some((env) =>
        properties(env).some(
          (p) => p.name.toLowerCase() === 'npm_config_ignore_scripts' && p.value === 'true',
        ),
      ),
    );
    for (const run of ofKind(stage, 'RUN')) {
      for (const command of shellCommands(run)) {
        if (INSTALL_COMMAND.test(command) && !command.includes('--ignore-scripts') && !ignoreScriptsEnv) {
          problems.push(
            `RUN installs dependencies with their install scripts (no --ignore-scripts): ${command}`,
          );
        }
        if (SCRIPT_RUNNER.test(command)) {
          problems.push(
            `RUN goes through npm run / npx, whose PATH puts the \`node\` devDependency first: ${command}`,
          );
        }
      }
    }
  }

  const final = stages.at(-1);
  if (final === undefined) return [...problems, 'no FROM at all'];

  const [finalChain, runtimeImage] = chainOf(stages, final, globalArgs);
  const { name: runtimeName, tag: runtimeTag } = splitImage(runtimeImage);
  const runtimeMajor = runtimeTag === null ? NaN : Number(/^v?(\d+)/.exec(runtimeTag)?.[1]);
  if (!/(?:^|\/)node$/.test(runtimeName) || Number.isNaN(runtimeMajor)) {
    problems.push(`runtime base ${runtimeImage} is not a node image whose tag names its version`);
  } else if (runtimeMajor !== nodeMajor) {
    problems.push(
      `runtime base ${runtimeImage} is Node ${runtimeMajor}, package.json pins Node ${nodeMajor}`,
    );
  }

  const user = effective(finalChain, 'USER');
  if (user === undefined) {
    problems.push('final stage has no USER: it would run as root');
  } else {
    const name = (words(user)[0] ?? '').split(':')[0];
    if (name === 'root' || name === '0') problems.push(`final stage runs as root (${text(user)})`);
  }

  const healthcheck = effective(finalChain, 'HEALTHCHECK');
  if (healthcheck === undefined) {
    problems.push('final stage has no HEALTHCHECK');
  } else if (
    healthcheck instanceof Healthcheck &&
    healthcheck.getSubcommand()?.getValue().toUpperCase() === 'NONE'
  ) {
    problems.push('final stage disables the HEALTHCHECK (HEALTHCHECK NONE)');
  }

  const entrypoint = effective(finalChain, 'ENTRYPOINT');
  const init = entrypoint ? path.posix.basename(words(entrypoint)[0] ?? '') : null;
  if (init === null || !INIT_BINARIES.includes(init)) {
    problems.push(
      `final stage has no ENTRYPOINT running an init (${INIT_BINARIES.join(', ')}) to forward SIGTERM and reap`,
    );
  }

  for (const copy of [...ofKind(final, 'COPY'), ...ofKind(final, 'ADD')]) {
    const fromStageName = fromFlag(copy)?.toLowerCase();
    const fromStage = stages.find((s) => s.name === fromStageName);
    const sourceWorkdir = fromStage ? lastWorkdir(chainOf(stages, fromStage, globalArgs)[0]) : null;
    for (const source of words(copy).slice(0, -1)) {
      const normalized = path.posix.normalize(source).replace(/(.)\/$/, '$1');
      if (/(?:^|\/)(?:src|test)(?:\/|$)/.test(normalized)) {
        problems.push(`final stage copies sources or tests: ${text(copy)}`);
      } else if (normalized === '.' || normalized === '/' || normalized === sourceWorkdir) {
        problems.push(`final stage copies a whole tree (context or build stage): ${text(copy)}`);
      }
    }
  }
  return problems;
}

interface IgnoreRule {
  pattern: RegExp;
  exception: boolean;
}

/** .dockerignore patterns as Docker reads them: `*`, `?` within a path segment, `**` across segments, `!` excepts. */
function dockerignoreRules(dockerignore: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const line of dockerignore.split('\n')) {
    let pattern = line.trim();
    if (pattern === '' || pattern.startsWith('#')) continue;
    const exception = pattern.startsWith('!');
    if (exception) pattern = pattern.slice(1).trim();
    pattern = path.posix.normalize(pattern.replace(/^\/+/, '')).replace(/\/+$/, '');
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const char = pattern[i];
      if (char === '*' && pattern[i + 1] === '*') {
        source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += pattern[i + 2] === '/' ? 2 : 1;
      } else if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    rules.push({ pattern: new RegExp(`^${source}$`), exception });
  }
  return rules;
}

/** Whether the build context leaves the file out: the last rule matching it or one of its folders decides. */
function isIgnored(rules: IgnoreRule[], file: string): boolean {
  const parts = file.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = !rule.exception;
  }
  return ignored;
}

/** Files that must never reach the build context (credentials, local state, dependencies, history). */
const MUST_BE_IGNORED = [
  '.env',
  '.env.production',
  'src/.env',
  '.git/HEAD',
  'node_modules/express/package.json',
  'data/tradeflow.db',
  'dist/worker.js',
  '.tools/bin/temporal',
  'coverage/lcov.info',
  'npm-debug.log',
];

function dockerignoreProblems(dockerignore: string, needed: string[]): string[] {
  const rules = dockerignoreRules(dockerignore);
  return [
    ...MUST_BE_IGNORED.filter((file) => !isIgnored(rules, file)).map(
      (file) => `.dockerignore lets ${file} into the build context`,
    ),
    ...needed
      .filter((file) => isIgnored(rules, file))
      .map((file) => `.dockerignore leaves out ${file}, which the Dockerfile copies`),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The real files

const dockerfile = DockerfileParser.parse(dockerfileText);
const stages = stagesOf(dockerfile);
const finalStage = stages.at(-1)!;
const allRuns = stages.flatMap((stage) => ofKind(stage, 'RUN')).map(text);
const finalChain = chainOf(stages, finalStage, globalArgsOf(dockerfile))[0];
/** The final stage's environment: base stages first, so later ENV lines win. */
const finalEnv = new Map(
  [...finalChain]
    .reverse()
    .flatMap((stage) => ofKind(stage, 'ENV'))
    .flatMap(properties)
    .map(({ name, value }) => [name, value ?? ''] as const),
);

/** Sources of COPY/ADD instructions that read from the build context (no --from). */
const contextSources = stages
  .flatMap((stage) => [...ofKind(stage, 'COPY'), ...ofKind(stage, 'ADD')])
  .filter((copy) => fromFlag(copy) === null)
  .flatMap((copy) => words(copy).slice(0, -1));

const tsconfigBuild = JSON.parse(read('tsconfig.build.json')) as {
  compilerOptions: { rootDir: string; outDir: string };
};
/** The source file tsc compiles to a file under dist/ (tsconfig.build.json: rootDir src, outDir dist). */
const sourceOf = (distFile: string) =>
  path.posix.join(
    tsconfigBuild.compilerOptions.rootDir,
    path.posix.relative(tsconfigBuild.compilerOptions.outDir, distFile).replace(/\.js$/, '.ts'),
  );

describe('Dockerfile', () => {
  it('has no problems by dockerfile-utils, the linter behind the VS Code Docker extension', () => {
    const diagnostics = validate(dockerfileText).map(
      (d) =>
        `Dockerfile:${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}` +
        ` (severity ${d.severity}, code ${d.code})`,
    );
    expect(diagnostics).toEqual([]);
    // The linter is live: it does flag a broken file.
    expect(validate('FROM node:24.21.0-bookworm-slim\nEXPOSE port\nWORKDIR app\nCOPY src\n').length).toBe(3);
  });

  it('follows the image rules', () => {
    expect(pinnedNodeMajor).toBeGreaterThanOrEqual(22);
    expect(dockerfileProblems(dockerfileText, pinnedNodeMajor)).toEqual([]);
  });

  it('reports each rule broken by a bad Dockerfile', () => {
    const bad = [
      'FROM node:latest AS build',
      'ARG NPM_TOKEN=npm_abcdef',
      'ENV API_TOKEN=abc DB_PASSWORD=hunter2',
      'RUN npm ci && npm run build',
      'FROM node',
      'ENTRYPOINT ["node"]',
      'USER root',
      'COPY --from=build /app/src ./src',
      'COPY . .',
      'CMD ["dist/api/main.js"]',
    ].join('\n');
    const problems = dockerfileProblems(bad, 24);
    const expected = [
      'fewer than 3 build stages (found 2)',
      'FROM node:latest (stage build) is not pinned',
      'FROM node (stage 1) is not pinned',
      'ARG NPM_TOKEN looks like a secret',
      'ENV API_TOKEN looks like a secret',
      'ENV DB_PASSWORD looks like a secret',
      'no --ignore-scripts): npm ci',
      'RUN goes through npm run / npx',
      'runtime base node is not a node image whose tag names its version',
      'final stage runs as root (USER root)',
      'final stage has no HEALTHCHECK',
      'final stage has no ENTRYPOINT running an init',
      'final stage copies sources or tests: COPY --from=build /app/src ./src',
      'final stage copies a whole tree (context or build stage): COPY . .',
    ];
    for (const fragment of expected) {
      expect(problems).toContainEqual(expect.stringContaining(fragment));
    }
    expect(problems).toHaveLength(expected.length);

    const alsoBad = [
      'ARG BASE=node:24-slim',
      'FROM ${BASE} AS deps',
      'RUN npm install',
      'FROM deps AS build',
      'WORKDIR /app',
      `FROM node:${pinnedNodeMajor - 2}.1.0-bookworm-slim@sha256:${'0'.repeat(64)} AS runtime`,
      'HEALTHCHECK NONE',
      'ENTRYPOINT ["/usr/bin/tini", "--", "node"]',
      'COPY --from=build /app /app',
      'COPY test/fixtures ./fixtures',
    ].join('\n');
    expect(dockerfileProblems(alsoBad, pinnedNodeMajor)).toEqual([
      'FROM node:24-slim (stage deps) is not pinned to an exact version tag or a digest',
      'RUN installs dependencies with their install scripts (no --ignore-scripts): npm install',
      `runtime base node:${pinnedNodeMajor - 2}.1.0-bookworm-slim@sha256:${'0'.repeat(64)} is Node ${
        pinnedNodeMajor - 2
      }, package.json pins Node ${pinnedNodeMajor}`,
      'final stage has no USER: it would run as root',
      'final stage disables the HEALTHCHECK (HEALTHCHECK NONE)',
      'final stage copies a whole tree (context or build stage): COPY --from=build /app /app',
      'final stage copies sources or tests: COPY test/fixtures ./fixtures',
    ]);

    // What the rules accept: a digest, an exact tag, ARG defaults in FROM, ARG without a value, and the npm config.
    const fine = [
      'ARG BASE=node:24.21.0-bookworm-slim',
      'ARG NPM_TOKEN',
      'FROM ${BASE} AS base',
      'ENV npm_config_ignore_scripts=true',
      'FROM base AS build',
      'RUN npm ci',
      `FROM busybox@sha256:${'a'.repeat(64)} AS tools`,
      'FROM base',
      'USER 1000:1000',
      'HEALTHCHECK CMD ["node", "/app/docker/healthcheck.js"]',
      'ENTRYPOINT ["tini", "--", "node"]',
      'COPY --from=build /app/dist /app/dist',
    ].join('\n');
    expect(dockerfileProblems(fine, 24)).toEqual([]);
  });

  it('runs what tsc builds: the commands, the bundle and the scripts exist', () => {
    expect(packageJson.scripts.build).toMatch(/\btsc -p tsconfig\.build\.json\b/);
    expect(tsconfigBuild.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(allRuns).toContainEqual(
      expect.stringMatching(/\bnode node_modules\/typescript\/bin\/tsc -p tsconfig\.build\.json\b/),
    );

    // The API is the default command, the worker the documented other one; both on node, behind the init.
    const entrypoint = effective(finalChain, 'ENTRYPOINT')!;
    const cmd = effective(finalChain, 'CMD')!;
    expect(words(entrypoint)).toEqual(['/usr/bin/tini', '--', 'node']);
    expect(words(cmd)).toEqual(['dist/api/main.js']);
    expect(dockerfileText).toMatch(/^#.*\bdist\/worker\.js\b/m);

    // Every dist/*.js the Dockerfile names (commands, comments, the bundle script) is compiled from a source file.
    const distFiles = new Set(dockerfileText.match(/\bdist\/[\w/.-]+\.js\b/g));
    distFiles.delete('dist/workflow-bundle.js');
    expect([...distFiles]).toEqual(
      expect.arrayContaining(['dist/api/main.js', 'dist/worker.js', 'dist/scripts/build-workflow-bundle.js']),
    );
    for (const file of distFiles)
      expect(`${file} <- ${sourceOf(file)}: ${existsSync(path.join(root, sourceOf(file)))}`).toBe(
        `${file} <- ${sourceOf(file)}: true`,
      );
    expect(sourceOf('dist/scripts/build-workflow-bundle.js')).toBe('src/scripts/build-workflow-bundle.ts');

    // The worker loads the bundle the build stage writes, from the image's working directory.
    const workdir = lastWorkdir(finalChain);
    expect(allRuns).toContainEqual(
      expect.stringContaining('node dist/scripts/build-workflow-bundle.js dist/workflow-bundle.js'),
    );
    expect(finalEnv.get('WORKER_BUNDLE_PATH')).toBe(path.posix.join(workdir, 'dist/workflow-bundle.js'));
    expect(finalEnv.get('NODE_ENV')).toBe('production');
  });

  it('serves on the documented ports and keeps its state in a data folder the app user owns', () => {
    const exposed = ofKind(finalStage, 'EXPOSE').flatMap(words);
    expect(exposed).toEqual(['3000', '9464']);
    expect(finalEnv.get('WORKER_HEALTH_PORT')).toBe('9464');
    expect(read('src/config.ts')).toMatch(/API_PORT: port\.default\(3000\)/);

    const user = effective(finalChain, 'USER')!;
    const [uid, gid] = words(user)[0].split(':');
    expect(uid).toMatch(/^[1-9]\d*$/); // numeric, so Kubernetes' runAsNonRoot can check it
    const finalRuns = ofKind(finalStage, 'RUN').map(text).join('\n');
    expect(finalRuns).toMatch(new RegExp(`install -d [^&]*-o ${uid} -g ${gid ?? uid} /app/data\\b`));
    expect(finalRuns).toMatch(/apt-get install -y --no-install-recommends tini\b/);
    expect(finalRuns).toContain('rm -rf /var/lib/apt/lists/*');
  });

  it('copies only files that exist and that the build context keeps', () => {
    expect(contextSources).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'docker/healthcheck.js']),
    );
    for (const source of contextSources)
      expect(`${source}: ${existsSync(path.join(root, source))}`).toBe(`${source}: true`);
    expect(dockerignoreProblems(dockerignoreText, contextSources)).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local state and dependencies out of the build context', () => {
    const rules = dockerignoreRules(dockerignoreText);
    for (const file of ['.env', '.env.local', 'node_modules/x/index.js', '.git/config', 'data/audit.log']) {
      expect(`${file}: ${isIgnored(rules, file)}`).toBe(`${file}: true`);
    }
    for (const file of ['src/worker.ts', 'src/risk/gram-wasm-binary.ts', 'tsconfig.build.json']) {
      expect(`${file}: ${isIgnored(rules, file)}`).toBe(`${file}: false`);
    }
  });

  it('reports what a bad .dockerignore lets in or leaves out', () => {
    expect(dockerignoreProblems('node_modules\n', ['src'])).toEqual(
      MUST_BE_IGNORED.filter((file) => !file.startsWith('node_modules/')).map(
        (file) => `.dockerignore lets ${file} into the build context`,
      ),
    );
    expect(dockerignoreProblems('*\n!src\n!.env*\n', ['src', 'package.json'])).toEqual([
      '.dockerignore lets .env into the build context',
      '.dockerignore lets .env.production into the build context',
      '.dockerignore lets src/.env into the build context',
      '.dockerignore leaves out package.json, which the Dockerfile copies',
    ]);
    // Docker's matching: `**` crosses folders, `*` does not, the last matching line wins.
    const rules = dockerignoreRules('**/*.log\nsecrets/*\n!secrets/keep\n/build/\n');
    expect(isIgnored(rules, 'a/b/c.log')).toBe(true);
    expect(isIgnored(rules, 'secrets/x/y')).toBe(true);
    expect(isIgnored(rules, 'secrets/keep')).toBe(false);
    expect(isIgnored(rules, 'build/out.js')).toBe(true);
    expect(isIgnored(rules, 'src/build/out.js')).toBe(false);
  });
});

describe('docker/healthcheck.js (the image HEALTHCHECK)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  /** A server answering GET /health/live with `status`; its port. */
  async function serve(status: number): Promise<number> {
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/health/live' ? status : 404;
      res.end('{}');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A port nothing listens on (just released by the OS). */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  function healthcheck(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'docker/healthcheck.js')], {
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  it('is healthy when the API answers /health/live, unhealthy when it answers an error', async () => {
    const worker = await closedPort();
    const healthyApi = await serve(200);
    expect(await healthcheck({ API_PORT: String(healthyApi), WORKER_HEALTH_PORT: String(worker) })).toEqual({
      code: 0,
      output: `GET 127.0.0.1:${healthyApi}/health/live: HTTP 200\n`,
    });
    const failingApi = await serve(503);
    const healthyWorker = await serve(200);
    // The first port that answers decides: a failing API is not rescued by another port.
    expect(
      await healthcheck({ API_PORT: String(failingApi), WORKER_HEALTH_PORT: String(healthyWorker) }),
    ).toMatchObject({ code: 1 });
  });

  it("checks the worker's health port when no API listens, and is unhealthy when nothing answers", async () => {
    const noApi = await closedPort();
    const worker = await serve(200);
    expect(await healthcheck({ API_PORT: String(noApi), WORKER_HEALTH_PORT: String(worker) })).toMatchObject({
      code: 0,
    });
    const noWorker = await closedPort();
    expect(await healthcheck({ API_PORT: String(noApi), WORKER_HEALTH_PORT: String(noWorker) })).toEqual({
      code: 1,
      output: `no answer on ${noApi} or ${noWorker}\n`,
    });
    expect(await healthcheck({ HEALTHCHECK_PORT: String(worker), API_PORT: String(noApi) })).toMatchObject({
      code: 0,
    });
  });
});
