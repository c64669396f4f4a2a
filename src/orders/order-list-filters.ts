/**
 * The date bounds of the order list's `createdFrom` / `createdTo` filters. Accepted: an ISO 8601
 * calendar date (`2026-11-26`, a whole UTC day) or a date-time with an explicit offset
 * (`2026-11-26T10:00:00Z`, `2026-11-26T12:00:00.250+02:00`). A date-time without an offset is
 * refused: its meaning would depend on the server's time zone.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

export const ORDER_DATE_FORMAT =
  'an ISO 8601 date (2026-11-26) or date-time with a time zone (2026-11-26T10:00:00Z)';

/** Which end of a range a bound is: a bare date starts at 00:00 or ends at 23:59:59.999 UTC. */
export type BoundEdge = 'start' | 'end';

const DAY_MS = 86_400_000;

function isCalendarDate(year: number, month: number, day: number): boolean {
  // PostgreSQL has no year 0 (1 BC), and orders are never that old; 9999 is the format's limit.
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const probe = new Date(Date.UTC(2000, month - 1, day)); // a leap year, for 29 February
  probe.setUTCFullYear(year);
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/**
 * The instant a filter value stands for, or `undefined` when it is not one of the accepted forms
 * (or not a real date: `2026-02-30`, `24:00`, an offset beyond ±23:59).
 */
export function parseOrderDateBound(value: string, edge: BoundEdge): Date | undefined {
  const date = DATE.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!isCalendarDate(year, month, day)) return undefined;
    const start = new Date(Date.UTC(2000, month - 1, day));
    start.setUTCFullYear(year);
    // Order timestamps have millisecond precision: the last millisecond closes the day.
    return edge === 'start' ? start : new Date(start.getTime() + DAY_MS - 1);
  }
  const time = DATE_TIME.exec(value);
  if (!time) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(time[i]));
  const second = Number(time[6] ?? '0');
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59)
    return undefined;
  if (time[8] !== 'Z' && (Number(time[9]) > 23 || Number(time[10]) > 59)) return undefined;
  // Sub-millisecond digits cannot matter to millisecond timestamps: truncate them.
  const millis = Number((time[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  utc.setUTCFullYear(year);
  const offsetMinutes =
    time[8] === 'Z'
      ? 0
      : (time[8].startsWith('-') ? -1 : 1) * (Number(time[9]) * 60 + Number(time[10]));
  return new Date(utc.getTime() - offsetMinutes * 60_000);
}

export interface CreatedRange {
  from?: Date;
  to?: Date;
}

/** The inclusive instants of a `createdFrom` / `createdTo` pair (both already validated). */
export function createdRange(createdFrom?: string, createdTo?: string): CreatedRange {
  return {
    from: createdFrom === undefined ? undefined : parseOrderDateBound(createdFrom, 'start'),
    to: createdTo === undefined ? undefined : parseOrderDateBound(createdTo, 'end'),
  };
}
