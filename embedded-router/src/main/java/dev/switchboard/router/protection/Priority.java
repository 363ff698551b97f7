package dev.switchboard.router.protection;

import java.util.Locale;

/** A message's priority class; the dispatch queue serves higher classes first. */
public enum Priority {
    CRITICAL, HIGH, NORMAL, LOW;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code critical}, {@code high}, {@code normal} or {@code low}. */
    public static Priority parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
