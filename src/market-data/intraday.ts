/**
 * Intraday bars on the NYSE calendar: which bar start times a regular session has for an interval, and which
 * session an instant belongs to. Bars start at the open (09:30 New York) and every `interval` after it; the last
 * bar of a session may be short (a 90m bar starting 15:30 covers the last 30 minutes). Early-close days (13:00)
 * have fewer bars. Extended hours (pre- and post-market) are not part of a session here.
 */
import { type IntradayInterval, intervalMinutes } from './bar';
import { isEarlyClose } from './calendar';
import { EARLY_CLOSE, marketHoursAt, newYorkInstant, REGULAR_CLOSE, REGULAR_OPEN } from './market-hours';
import { isTradingSession } from './sessions';

const MS_PER_MINUTE = 60_000;

export interface SessionWindow {
  /** The regular open, epoch milliseconds. */
  opensAt: number;
  /** The regular close (13:00 on early-close days), epoch milliseconds. */
  closesAt: number;
}

/** The regular hours of a session date; throws a RangeError when the date is not a session. */
export function sessionWindow(date: string): SessionWindow {
  if (!isTradingSession(date)) throw new RangeError(`${date} is not an NYSE session`);
  const close = isEarlyClose(date) ? EARLY_CLOSE : REGULAR_CLOSE;
  return {
    opensAt: newYorkInstant(date, REGULAR_OPEN.hour, REGULAR_OPEN.minute),
    closesAt: newYorkInstant(date, close.hour, close.minute),
  };
}

/** The start instants (epoch ms) of every bar of `interval` in the session's regular hours, in order. */
export function barStartsOfSession(date: string, interval: IntradayInterval): number[] {
  const { opensAt, closesAt } = sessionWindow(date);
  const step = intervalMinutes(interval) * MS_PER_MINUTE;
  const starts: number[] = [];
  for (let start = opensAt; start < closesAt; start += step) starts.push(start);
  return starts;
}

/** How many bars of `interval` a complete session has (390 one-minute bars on a full day, 210 on an early close). */
export function expectedBarCount(date: string, interval: IntradayInterval): number {
  const { opensAt, closesAt } = sessionWindow(date);
  return Math.ceil((closesAt - opensAt) / (intervalMinutes(interval) * MS_PER_MINUTE));
}

/** The New York calendar date of an instant (the session date of a bar that starts then). */
export function newYorkDateOf(instant: number): string {
  return marketHoursAt(new Date(instant).toISOString()).date;
}

/**
 * Why an intraday bar's start time does not fit its session, or undefined when it does: the time must be an ISO
 * instant on the bar's session date, inside the regular hours, and on the interval's grid from the open.
 */
export function intradayTimeProblem(date: string, time: string | undefined, interval: IntradayInterval) {
  if (time === undefined) return `an intraday (${interval}) bar needs a time`;
  const instant = Date.parse(time);
  if (Number.isNaN(instant) || new Date(instant).toISOString() !== time) {
    return `time ${JSON.stringify(time)} is not an ISO 8601 UTC instant`;
  }
  const localDate = newYorkDateOf(instant);
  if (localDate !== date) return `time ${time} falls on ${localDate} in New York, not on session ${date}`;
  if (!isTradingSession(date)) return undefined; // the date check already names the problem
  const { opensAt, closesAt } = sessionWindow(date);
  if (instant < opensAt || instant >= closesAt) {
    return `time ${time} is outside regular hours ${new Date(opensAt).toISOString()}–${new Date(closesAt).toISOString()}`;
  }
  const step = intervalMinutes(interval) * MS_PER_MINUTE;
  if ((instant - opensAt) % step !== 0) return `time ${time} is not on the ${interval} grid from the open`;
  return undefined;
}
