/**
 * The layering rules `npm run lint` checks (dependency-cruiser): no import cycles, and nothing reaches into the
 * workflows except the code that registers or starts them. Shared types and constants live in src/contracts/.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: move what both sides need into a module of its own (src/contracts/ for shared types).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'workflows-only-from-their-callers',
      severity: 'error',
      comment:
        'Only the worker (which registers the workflows), the client side that starts them (API, CLI scripts, ' +
        'schedules, the dev tooling) and the workflows themselves import from src/workflows/; shared types and ' +
        'constants belong in src/contracts/.',
      from: {
        path: '^src/',
        pathNot: [
          '^src/workflows/',
          '^src/worker\\.ts$',
          '^src/api/',
          '^src/scripts/',
          '^src/schedules/',
          '^src/tooling/',
          '^src/temporal/',
        ],
      },
      to: { path: '^src/workflows/' },
    },
    {
      name: 'contracts-are-leaves',
      severity: 'error',
      comment: 'Contracts are imported by every layer, so they import no layer above them.',
      from: { path: '^src/contracts/' },
      to: { path: '^src/(workflows|activities|api|store|scripts|worker)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/api/dashboard/' },
  },
};
