/**
 * Daily bars from a folder of per-symbol CSV files (`<directory>/<SYMBOL>.csv`) in the layout Yahoo and most
 * vendors export: `Date,Open,High,Low,Close,Adj Close,Volume`.
 *
 * Tolerated: a UTF-8 BOM, CRLF line ends, blank lines, columns in any order, extra columns, no `Adj Close` column
 * (adjClose = close), and Yahoo's `null` cells (read as NaN so the quality check rejects those rows, rather than
 * dropping them silently). Anything else unexpected is a MalformedMarketDataError naming the file and line.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type Bar,
  type FetchBarsRequest,
  MalformedMarketDataError,
  type MarketDataProvider,
  UnknownSymbolError,
  UnsupportedRequestError,
} from '../bar';
import { isIsoDate } from '../sessions';

export interface CsvProviderOptions {
  directory: string;
}

export interface CsvProvider extends MarketDataProvider {
  readonly name: 'csv';
}

/** File names are symbols, so refuse anything that could step outside the directory. */
const SAFE_SYMBOL = /^[A-Z0-9][A-Z0-9.\-^=]{0,14}$/i;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const MISSING_CELLS = new Set(['null', 'nan', '']);

const REQUIRED_COLUMNS = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | 'adj close';

export function createCsvProvider(options: CsvProviderOptions): CsvProvider {
  if (!options.directory) throw new Error('The csv provider needs a directory');
  const directory = options.directory;

  return {
    name: 'csv',
    async fetchBars(request: FetchBarsRequest): Promise<Bar[]> {
      const { symbol, from, to } = request;
      if (request.interval !== '1d') {
        throw new UnsupportedRequestError(
          'csv',
          `CSV files hold daily bars only, not ${request.interval} bars`,
        );
      }
      if (!SAFE_SYMBOL.test(symbol)) {
        throw new UnknownSymbolError(symbol, 'csv', 'not a ticker symbol, so there is no CSV file for it');
      }
      if (!isIsoDate(from) || !isIsoDate(to)) {
        throw new RangeError(
          `Invalid range ${JSON.stringify(from)}..${JSON.stringify(to)}: expected YYYY-MM-DD dates`,
        );
      }
      const file = path.join(directory, `${symbol}.csv`);
      const text = await readSymbolFile(file, symbol, directory);
      return parseBarsCsv(text, { file, symbol })
        .filter((bar) => bar.date >= from && bar.date <= to)
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    },
  };
}

async function readSymbolFile(file: string, symbol: string, directory: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const directoryExists = await stat(directory).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const detail = directoryExists
      ? `no file ${file}`
      : `no file ${file} (the directory ${directory} does not exist)`;
    throw new UnknownSymbolError(symbol, 'csv', detail);
  }
}

/**
 * Parses a whole CSV file into bars for `symbol`, in file order. `file` only labels error messages.
 * Every line is checked, in range or not: a file with a broken line is broken.
 */
export function parseBarsCsv(text: string, context: { file: string; symbol: string }): Bar[] {
  const { file, symbol } = context;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (lineNumber: number, problem: string) =>
    new MalformedMarketDataError(`${file} line ${lineNumber}: ${problem}`);

  const headerCells = lines[0].split(',').map((cell) =>
    cell
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase(),
  );
  const columnIndex = new Map<string, number>();
  headerCells.forEach((name, index) => {
    if (columnIndex.has(name)) throw fail(1, `column "${name}" appears twice in the header`);
    columnIndex.set(name, index);
  });
  const missing = REQUIRED_COLUMNS.filter((name) => !columnIndex.has(name));
  if (missing.length > 0) {
    throw fail(
      1,
      `header ${JSON.stringify(lines[0])} lacks ${missing.join(', ')}; expected Date,Open,High,Low,Close,Adj Close,Volume`,
    );
  }

  const bars: Bar[] = [];
  lines.slice(1).forEach((line, offset) => {
    const lineNumber = offset + 2;
    if (line.trim() === '') return;
    const cells = line.split(',').map((cell) => cell.trim());
    if (cells.length !== headerCells.length) {
      throw fail(lineNumber, `expected ${headerCells.length} fields, found ${cells.length}`);
    }
    const cell = (column: Column) => cells[columnIndex.get(column)!];
    const number = (column: Column) => {
      const raw = cell(column);
      if (MISSING_CELLS.has(raw.toLowerCase())) return Number.NaN;
      if (!DECIMAL.test(raw)) throw fail(lineNumber, `${column} ${JSON.stringify(raw)} is not a number`);
      return Number(raw);
    };
    const date = cell('date');
    if (!isIsoDate(date))
      throw fail(lineNumber, `unparsable date ${JSON.stringify(date)} (expected YYYY-MM-DD)`);
    const close = number('close');
    bars.push({
      symbol,
      interval: '1d',
      date,
      open: number('open'),
      high: number('high'),
      low: number('low'),
      close,
      adjClose: columnIndex.has('adj close') ? number('adj close') : close,
      volume: number('volume'),
      source: 'csv',
    });
  });
  return bars;
}
