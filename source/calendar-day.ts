const padTwo = (value: number) => (value < 10 ? `0${value}` : `${value}`);

/**
 * A date's day in UTC as YYYY-MM-DD: the first ten characters of its toISOString(), made from its fields. inspect
 * prints two per certificate, ~300 for a truststore, and toISOString is a runtime call that costs ~4 µs each while
 * the code is cold (about 1 ms of every inspect); years outside 0-9999 (which toISOString writes with a sign and six
 * digits) are left to it.
 */
export function calendarDay(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString().slice(0, 10);
  const yearText = year >= 1000 ? `${year}` : `${year}`.padStart(4, '0');
  return `${yearText}-${padTwo(date.getUTCMonth() + 1)}-${padTwo(date.getUTCDate())}`;
}
