import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarDay } from '../../source/calendar-day.js';

// The largest time a Date holds (8.64e15 ms), either side of the epoch.
const DATE_LIMIT = 8_640_000_000_000_000;

describe('calendarDay', () => {
  it('is the first ten characters of toISOString for any time a Date holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }), (time) => {
        const date = new Date(time);
        expect(calendarDay(date)).toBe(date.toISOString().slice(0, 10));
      }),
      { numRuns: 20_000 },
    );
  });

  it('pads short years and months and days as ISO does, at the edges of each', () => {
    for (const text of [
      '0000-01-01T00:00:00Z',
      '0009-02-03T23:59:59.999Z',
      '0999-12-31T23:59:59Z',
      '1000-01-01T00:00:00Z',
      '1950-01-01T00:00:00Z',
      '2049-12-31T23:59:59Z',
      '9999-12-31T23:59:59Z',
    ]) {
      const date = new Date(text);
      expect(calendarDay(date)).toBe(text.slice(0, 10));
    }
    // Outside 0-9999 toISOString writes a sign and six digits; those are its own.
    expect(calendarDay(new Date('+010000-01-01T00:00:00Z'))).toBe('+010000-01');
    expect(calendarDay(new Date('-000001-06-15T00:00:00Z'))).toBe('-000001-06');
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => calendarDay(new Date(Number.NaN))).toThrow(RangeError);
  });
});
