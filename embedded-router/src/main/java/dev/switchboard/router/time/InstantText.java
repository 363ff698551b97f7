package dev.switchboard.router.time;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()}'s text (ISO-8601 in UTC, the fraction in groups of three digits as
 * needed: {@code 2026-12-01T22:08:05Z}, {@code …05.120Z}, {@code …05.120300Z}), written and read
 * without a {@code DateTimeFormatter} per call: every run event carries a timestamp, and the
 * formatter's print was a tenth of what the router allocated per streamed event (its parse, a fifth
 * of what the console allocated at 10,000 connections). The text up to the second is made once per
 * second by {@link Instant#toString()} itself, so every year it can print is printed the same.
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

    /**
     * {@code text} as an instant, as {@link Instant#parse} reads it, without a {@code DateTimeFormatter}
     * when it is in {@link Instant#toString()}'s form (what this project writes).
     *
     * @throws java.time.format.DateTimeParseException when it is not an instant
     */
    public static Instant parse(String text) {
        Instant instant = inOwnForm(text);
        return instant != null ? instant : Instant.parse(text);
    }

    /** {@code text} as an instant when it is in {@link Instant#toString()}'s form, else null. */
    public static Instant inOwnForm(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
                || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fraction = length - 21; // between the '.' and the 'Z'
            if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(text, 20, length - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private record Second(long epochSecond, String text) {
    }
}
