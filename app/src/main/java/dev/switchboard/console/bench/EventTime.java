package dev.switchboard.console.bench;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads a run event's {@code timestamp} (as {@link Instant#toString()} writes it, e.g.
 * {@code 2026-11-23T11:23:40.210021Z}) as epoch microseconds, cheaply: the date, hour and minute
 * are parsed once a minute and the seconds by hand, because the cluster bench reads tens of
 * thousands a second on the cores the routers it measures need.
 */
final class EventTime {
    private static final int MINUTE_CHARS = "yyyy-MM-ddTHH:mm".length();

    private record Minute(String prefix, long epochSecond) {
    }

    private volatile Minute last = new Minute("", 0);

    /** The instant written at {@code from} in {@code text}, in microseconds since the epoch. */
    long epochMicros(String text, int from) {
        int colon = from + MINUTE_CHARS;
        if (text.length() < colon + 4 || text.charAt(colon) != ':') {
            return slow(text, from);
        }
        Minute minute = last;
        if (!text.regionMatches(from, minute.prefix(), 0, MINUTE_CHARS)) {
            String prefix = text.substring(from, colon);
            minute = new Minute(prefix, LocalDateTime.parse(prefix + ":00").toEpochSecond(ZoneOffset.UTC));
            last = minute;
        }
        int seconds = (text.charAt(colon + 1) - '0') * 10 + (text.charAt(colon + 2) - '0');
        int at = colon + 3;
        long micros = 0;
        int kept = 0;
        if (text.charAt(at) == '.') {
            for (at++; at < text.length() && Character.isDigit(text.charAt(at)); at++) {
                if (kept < 6) {
                    micros = micros * 10 + (text.charAt(at) - '0');
                    kept++;
                }
            }
        }
        if (at >= text.length() || text.charAt(at) != 'Z') {
            return slow(text, from);
        }
        for (; kept < 6; kept++) {
            micros *= 10;
        }
        return (minute.epochSecond() + seconds) * 1_000_000 + micros;
    }

    private static long slow(String text, int from) {
        int end = text.indexOf('"', from);
        Instant instant = Instant.parse(end < 0 ? text.substring(from) : text.substring(from, end));
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
