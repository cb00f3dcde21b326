import { buildProgram } from '../../../src/scripts/schedule-cli';

describe('schedule CLI flag validation (before any connection is made)', () => {
  const parse = (...args: string[]) => {
    const program = buildProgram({ writeErr: () => undefined, writeOut: () => undefined });
    return program.parseAsync(['node', 'schedule', ...args]);
  };

  it('names a non-numeric --lookback', async () => {
    await expect(parse('create', '--symbols', 'AAPL', '--lookback', 'abc')).rejects.toThrow(
      /--lookback must be a whole number/,
    );
  });

  it('names a bad --symbols value', async () => {
    await expect(parse('create', '--symbols', 'AA PL')).rejects.toThrow(/--symbols/);
  });

  it('names a bad --cron', async () => {
    await expect(parse('create', '--symbols', 'AAPL', '--cron', 'daily')).rejects.toThrow(
      /--cron: must be a 5-field cron/,
    );
  });

  it('requires --symbols', async () => {
    await expect(parse('create')).rejects.toThrow(/--symbols/);
  });

  it('validates backfill timestamps', async () => {
    await expect(
      parse('backfill', 'x', '--start', 'monday', '--end', '2026-11-07T00:00:00Z'),
    ).rejects.toThrow(/--start: /);
  });
});
