package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants this project writes ({@link Instant#toString()}: {@code 2026-11-30T19:38:11.501Z},
 * UTC, 0 to 9 digits of fraction) without a {@code DateTimeFormatter}: the monitor feed carries
 * several per event and per connection, and the formatter's parse allocated a fifth of what the
 * console allocated at 10,000 connections. Anything else (an offset, a number, a year past 9999)
 * goes to Jackson's own {@link InstantDeserializer}, so what is accepted does not change.
 */
final class IsoInstants extends StdDeserializer<Instant> {
    private static final JsonDeserializer<Instant> GENERAL = InstantDeserializer.INSTANT;

    private IsoInstants() {
        super(Instant.class);
    }

    /** A module that reads instants this way (register it after {@code JavaTimeModule}). */
    static SimpleModule module() {
        return new SimpleModule("iso-instants").addDeserializer(Instant.class, new IsoInstants());
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            Instant parsed = parse(parser.getText());
            if (parsed != null) {
                return parsed;
            }
        }
        return GENERAL.deserialize(parser, context);
    }

    /** {@code text} as an instant when it is in {@link Instant#toString()}'s form, else null. */
    static Instant parse(String text) {
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
}
