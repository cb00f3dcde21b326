/**
 * US equity regular trading hours (09:30–16:00 America/New_York, 13:00 on early-close days, on sessions of the NYSE
 * calendar), as instants.
 * Time-zone arithmetic goes through Intl, so daylight-saving changes are handled by the platform's tz database.
 */
import { isEarlyClose } from './calendar';
import { isTradingSession } from './sessions';

export const MARKET_TIME_ZONE = 'America/New_York';
export const REGULAR_OPEN = { hour: 9, minute: 30 } as const;
export const REGULAR_CLOSE = { hour: 16, minute: 0 } as const;
/** NYSE early closes (July 3, the day after Thanksgiving, Christmas Eve when they are sessions). */
export const EARLY_CLOSE = { hour: 13, minute: 0 } as const;

export interface MarketHours {
  /** The New York calendar date of the instant. */
  date: string;
  isSession: boolean;
  isOpen: boolean;
  /** Regular open and close of that date, as ISO instants (absent on non-session days). */
  opensAt?: string;
  closesAt?: string;
}

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: MARKET_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function newYorkParts(instant: number): { date: string; offsetMs: number } {
  const parts = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const localAsUtc = Date.UTC(
    +parts.year,
    +parts.month - 1,
    +parts.day,
    +parts.hour,
    +parts.minute,
    +parts.second,
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    offsetMs: localAsUtc - Math.floor(instant / 1000) * 1000,
  };
}

/** The instant at which New York wall-clock time on `date` is hour:minute. */
export function newYorkInstant(date: string, hour: number, minute: number): number {
  const guess = Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
  // Two passes settle the offset even on a daylight-saving change day.
  let instant = guess - newYorkParts(guess).offsetMs;
  instant = guess - newYorkParts(instant).offsetMs;
  return instant;
}

export function marketHoursAt(isoInstant: string): MarketHours {
  const instant = Date.parse(isoInstant);
  if (Number.isNaN(instant)) throw new RangeError(`marketHoursAt: "${isoInstant}" is not an ISO instant`);
  const { date } = newYorkParts(instant);
  if (!isTradingSession(date)) return { date, isSession: false, isOpen: false };
  const opensAt = newYorkInstant(date, REGULAR_OPEN.hour, REGULAR_OPEN.minute);
  const close = isEarlyClose(date) ? EARLY_CLOSE : REGULAR_CLOSE;
  const closesAt = newYorkInstant(date, close.hour, close.minute);
  return {
    date,
    isSession: true,
    isOpen: instant >= opensAt && instant < closesAt,
    opensAt: new Date(opensAt).toISOString(),
    closesAt: new Date(closesAt).toISOString(),
  };
}
