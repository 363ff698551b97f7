package dev.switchboard.console.ui.common;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The one way the views show an instant: {@code HH:mm:ss.SSS} local time, the full ISO form for a tooltip. */
public final class TimeOfDay {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private TimeOfDay() {
    }

    /** {@code at} as local time of day with milliseconds, e.g. {@code 14:03:07.412}. */
    public static String format(Instant at) {
        return LOCAL.format(at);
    }

    /** {@code at} in ISO-8601 (UTC), for a tooltip. */
    public static String iso(Instant at) {
        return DateTimeFormatter.ISO_INSTANT.format(at);
    }
}
