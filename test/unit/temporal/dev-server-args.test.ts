import { devServerArgs } from '../../../src/temporal/dev-server';

describe('devServerArgs', () => {
  const base = { cliPath: '/x/temporal', ip: '127.0.0.1', port: 7233, namespace: 'default' };

  it('registers our search attributes and the WAL pragmas', () => {
    const args = devServerArgs({ ...base, uiPort: 8233, dbPath: '/data/t.db' }).join(' ');
    expect(args).toContain('--search-attribute Symbols=KeywordList');
    expect(args).toContain('--search-attribute PipelineStage=Keyword');
    expect(args).toContain('--search-attribute RiskStatus=Keyword');
    expect(args).toContain('--search-attribute StartedBy=Keyword');
    expect(args).toContain('--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal');
    expect(args).toContain('--ui-port 8233');
    expect(args).toContain('--db-filename /data/t.db');
    expect(args).not.toContain('--headless');
  });

  it('raises the transfer-queue read limit by default, and takes other dynamic config and pragmas', () => {
    const defaults = devServerArgs(base).join(' ');
    expect(defaults).toContain('--dynamic-config-value history.transferProcessorMaxPollRPS=1000');
    expect(defaults).toContain('--dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=false');
    const custom = devServerArgs({
      ...base,
      sqlitePragmas: {},
      dynamicConfig: {
        'history.transferProcessorMaxPollRPS': undefined,
        'system.enableActivityEagerExecution': true,
      },
    }).join(' ');
    expect(custom).not.toContain('transferProcessorMaxPollRPS');
    expect(custom).not.toContain('--sqlite-pragma');
    expect(custom).toContain('--dynamic-config-value system.enableActivityEagerExecution=true');
  });

  it('runs headless and in memory when no UI port or database is given', () => {
    const args = devServerArgs(base);
    expect(args).toContain('--headless');
    expect(args).not.toContain('--db-filename');
  });
});
