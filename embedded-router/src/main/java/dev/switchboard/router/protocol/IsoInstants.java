package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import dev.switchboard.router.time.InstantText;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads the instants this project writes ({@link Instant#toString()}: {@code 2026-11-30T19:38:11.501Z},
 * UTC, 0 to 9 digits of fraction) without a {@code DateTimeFormatter} ({@link InstantText#inOwnForm}):
 * the monitor feed carries several per event and per connection, and the formatter's parse
 * allocated a fifth of what the console allocated at 10,000 connections. Anything else (an offset, a number, a year past 9999)
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
            Instant parsed = InstantText.inOwnForm(parser.getText());
            if (parsed != null) {
                return parsed;
            }
        }
        return GENERAL.deserialize(parser, context);
    }
}
