import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MalformedMarketDataError, UnknownSymbolError } from '../../../src/market-data/bar';
import { createCsvProvider } from '../../../src/market-data/providers/csv';
import { checkBarQuality } from '../../../src/market-data/quality';
import { tradingSessions } from '../../../src/market-data/sessions';

const fixtures = path.join(__dirname, '../../fixtures/market-data/csv');
const request = (symbol: string, from = '2000-01-01', to = '2099-12-31') => ({
  symbol,
  from,
  to,
  interval: '1d' as const,
});

/** The fixture's data rows, read independently of the parser under test. */
function fixtureRows(symbol: string): string[][] {
  return readFileSync(path.join(fixtures, `${symbol}.csv`), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

describe('csv provider on the sample folder', () => {
  const provider = createCsvProvider({ directory: fixtures });

  it('reads every row of AAPL.csv (Yahoo layout) with the values in the file', async () => {
    const rows = fixtureRows('AAPL');
    const bars = await provider.fetchBars(request('AAPL'));
    expect(bars).toHaveLength(rows.length);
    bars.forEach((bar, i) => {
      const [date, open, high, low, close, adjClose, volume] = rows[i];
      expect(bar).toEqual({
        symbol: 'AAPL',
        interval: '1d',
        date,
        open: Number(open),
        high: Number(high),
        low: Number(low),
        close: Number(close),
        adjClose: Number(adjClose),
        volume: Number(volume),
        source: 'csv',
      });
    });
    const report = checkBarQuality(bars, { from: bars[0].date, to: bars[bars.length - 1].date });
    expect(report.rejected).toEqual([]);
    expect(report.missingSessions).toEqual([]);
  });

  it('filters to the requested range, inclusive', async () => {
    const bars = await provider.fetchBars(request('AAPL', '2025-03-03', '2025-03-31'));
    expect(bars.map((bar) => bar.date)).toEqual(tradingSessions('2025-03-03', '2025-03-31'));
    expect(await provider.fetchBars(request('AAPL', '1990-01-01', '1990-12-31'))).toEqual([]);
  });

  it('reads MSFT.csv despite its BOM and CRLF line ends, turning Yahoo null rows into NaN bars', async () => {
    const rows = fixtureRows('MSFT');
    const nullRow = rows.find((row) => row[1] === 'null')!;
    const bars = await provider.fetchBars(request('MSFT'));
    expect(bars).toHaveLength(rows.length);
    expect(bars[0].date).toBe(rows[0][0]);
    expect(bars.every((bar) => Number.isInteger(bar.volume) || Number.isNaN(bar.volume))).toBe(true);

    const holed = bars.find((bar) => bar.date === nullRow[0])!;
    expect(holed.close).toBeNaN();
    expect(holed.volume).toBeNaN();
    const report = checkBarQuality(bars, { from: bars[0].date, to: bars[bars.length - 1].date });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0].bar.date).toBe(nullRow[0]);
    expect(report.rejected[0].reasons).toContain('close is NaN');
  });

  it('names the file and line of a malformed row in BAD.csv', async () => {
    const lines = readFileSync(path.join(fixtures, 'BAD.csv'), 'utf8').split('\n');
    const expectedFields = lines[0].split(',').length;
    const badLineNumber =
      lines.findIndex((line, i) => i > 0 && line.split(',').length !== expectedFields) + 1;
    const attempt = provider.fetchBars(request('BAD'));
    await expect(attempt).rejects.toBeInstanceOf(MalformedMarketDataError);
    await expect(attempt).rejects.toThrow(`${path.join(fixtures, 'BAD.csv')} line ${badLineNumber}:`);
  });

  it('refuses a symbol with no file, naming the symbol and the path it looked for', async () => {
    const attempt = provider.fetchBars(request('ZZZZ'));
    await expect(attempt).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(attempt).rejects.toMatchObject({ symbol: 'ZZZZ', provider: 'csv' });
    await expect(attempt).rejects.toThrow(path.join(fixtures, 'ZZZZ.csv'));
  });

  it('refuses symbols that could escape the directory without touching the file system', async () => {
    await expect(provider.fetchBars(request('../csv/AAPL'))).rejects.toBeInstanceOf(UnknownSymbolError);
  });
});

describe('csv provider on edge-case files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tradeflow-csv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (symbol: string, text: string) => writeFileSync(path.join(dir, `${symbol}.csv`), text);
  const fetchAll = (symbol: string) => createCsvProvider({ directory: dir }).fetchBars(request(symbol));

  it('uses the close as adjusted close when there is no Adj Close column', async () => {
    write('NOADJ', 'Date,Open,High,Low,Close,Volume\n2025-01-06,10,11,9,10.5,1000\n');
    const [only] = await fetchAll('NOADJ');
    expect(only.adjClose).toBe(only.close);
    expect(only.close).toBe(10.5);
  });

  it('maps columns by name (any order, any case, extra columns ignored) and sorts by date', async () => {
    write(
      'ODD',
      'volume,Date,CLOSE,low,High,open,Adj Close,Dividends\n' +
        '2000,2025-01-07,20.5,19,21,20,20.25,0\n' +
        '1000,2025-01-06,10.5,9,11,10,10.25,0\n\n',
    );
    const bars = await fetchAll('ODD');
    expect(
      bars.map((bar) => [bar.date, bar.open, bar.high, bar.low, bar.close, bar.adjClose, bar.volume]),
    ).toEqual([
      ['2025-01-06', 10, 11, 9, 10.5, 10.25, 1000],
      ['2025-01-07', 20, 21, 19, 20.5, 20.25, 2000],
    ]);
  });

  it('keeps duplicate dates in file order so the quality check can reject the later one', async () => {
    write('DUP', 'Date,Open,High,Low,Close,Volume\n2025-01-06,10,11,9,10.5,1\n2025-01-06,12,13,11,12.5,2\n');
    const report = checkBarQuality(await fetchAll('DUP'), { from: '2025-01-06', to: '2025-01-06' });
    expect(report.accepted.map((bar) => bar.close)).toEqual([10.5]);
    expect(report.rejected[0].reasons).toEqual(['duplicate date']);
  });

  it.each([
    [
      'a header without Volume',
      'Date,Open,High,Low,Close\n2025-01-06,1,1,1,1\n',
      /line 1: header .* lacks volume/,
    ],
    ['a repeated column', 'Date,Open,High,Low,Close,Close,Volume\n', /line 1: column "close" appears twice/],
    ['an empty file', '', /line 1: header/],
    [
      'an unparsable date',
      'Date,Open,High,Low,Close,Volume\n2025-01-06,1,1,1,1,1\n01/07/2025,1,1,1,1,1\n',
      /line 3: unparsable date "01\/07\/2025"/,
    ],
    [
      'an impossible date',
      'Date,Open,High,Low,Close,Volume\n2025-02-30,1,1,1,1,1\n',
      /line 2: unparsable date/,
    ],
    [
      'too many fields',
      'Date,Open,High,Low,Close,Volume\n2025-01-06,1,1,1,1,1,1\n',
      /line 2: expected 6 fields, found 7/,
    ],
    [
      'a word where a number belongs',
      'Date,Open,High,Low,Close,Volume\r\n2025-01-06,1,abc,1,1,1\r\n',
      /line 2: high "abc" is not a number/,
    ],
    [
      'a hex number',
      'Date,Open,High,Low,Close,Volume\n2025-01-06,1,1,1,1,0x10\n',
      /line 2: volume "0x10" is not a number/,
    ],
  ])('refuses %s, naming the file and line', async (_label, text, message) => {
    write('X', text);
    const attempt = fetchAll('X');
    await expect(attempt).rejects.toBeInstanceOf(MalformedMarketDataError);
    await expect(attempt).rejects.toThrow(path.join(dir, 'X.csv'));
    await expect(attempt).rejects.toThrow(message);
  });

  it('reads empty cells as missing values (NaN), like null', async () => {
    write('GAP', 'Date,Open,High,Low,Close,Adj Close,Volume\n2025-01-06,10,11,9,,null,\n');
    const [gap] = await fetchAll('GAP');
    expect(gap.close).toBeNaN();
    expect(gap.adjClose).toBeNaN();
    expect(gap.volume).toBeNaN();
    expect(gap.open).toBe(10);
  });

  it('says so when the directory itself does not exist', async () => {
    const missingDir = path.join(dir, 'nope');
    const attempt = createCsvProvider({ directory: missingDir }).fetchBars(request('AAPL'));
    await expect(attempt).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(attempt).rejects.toThrow(`the directory ${missingDir} does not exist`);
  });

  it('refuses to be built without a directory', () => {
    expect(() => createCsvProvider({ directory: '' })).toThrow(/directory/);
  });

  it('refuses a bad request date', async () => {
    write('OK', 'Date,Open,High,Low,Close,Volume\n2025-01-06,10,11,9,10.5,1000\n');
    await expect(createCsvProvider({ directory: dir }).fetchBars(request('OK', '2025-1-6'))).rejects.toThrow(
      RangeError,
    );
  });
});
