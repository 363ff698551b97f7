package dev.switchboard.router.time;

import java.time.Instant;

/**
 * {@link Instant#toString()}'s text (ISO-8601 in UTC, the fraction in groups of three digits as
 * needed: {@code 2026-12-01T22:08:05Z}, {@code …05.120Z}, {@code …05.120300Z}) without a
 * {@code DateTimeFormatter} per call: every run event carries a timestamp, and the formatter's print
 * was a tenth of what the router allocated per streamed event. The text up to the second is made once
 * per second by {@link Instant#toString()} itself, so every year it can print is printed the same.
 */
public final class InstantText {
    /** The last second written and its text without the {@code Z}; replaced whole, read without a lock. */
    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private InstantText() {
    }

    /** What {@code instant.toString()} returns. */
    public static String of(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        Second second = last;
        if (second.epochSecond != epochSecond) {
            String whole = Instant.ofEpochSecond(epochSecond).toString();
            second = new Second(epochSecond, whole.substring(0, whole.length() - 1));
            last = second;
        }
        int nanos = instant.getNano();
        if (nanos == 0) {
            return second.text + 'Z';
        }
        int digits;
        int fraction;
        if (nanos % 1_000_000 == 0) {
            digits = 3;
            fraction = nanos / 1_000_000;
        } else if (nanos % 1_000 == 0) {
            digits = 6;
            fraction = nanos / 1_000;
        } else {
            digits = 9;
            fraction = nanos;
        }
        char[] text = new char[second.text.length() + digits + 2];
        second.text.getChars(0, second.text.length(), text, 0);
        int dot = second.text.length();
        text[dot] = '.';
        for (int i = dot + digits; i > dot; i--) {
            text[i] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    private record Second(long epochSecond, String text) {
    }
}
