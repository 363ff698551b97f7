package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;

/**
 * The project's one Jackson configuration: snake_case property names (a record component
 * {@code messagesIn} is {@code messages_in}), {@code java.time} values as ISO-8601 strings (instants
 * read by {@link IsoInstants}), nulls
 * written as {@code null}, unknown properties refused unless a type says otherwise. Every module
 * that reads or writes JSON uses {@link #mapper()} or a mapper derived from it
 * ({@code mapper().copy()}, {@code rebuild()}, or {@link #configured} for another format), so a
 * record means the same JSON on both sides of the monitor connection.
 *
 * <p>The one mapper built apart is {@link JsonCodec}'s: the client protocol's hot path, which
 * writes {@link ServerEvent} fields exactly as given and limits what a client may send on its own
 * factory.
 */
public final class Json {
    private static final JsonMapper MAPPER = configured(JsonMapper.builder()).build();
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    /**
     * The shared mapper. Never reconfigure it: derive a differently configured one with
     * {@code copy()} or {@code rebuild()}.
     */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Gives a builder the shared configuration: for a mapper of another format (YAML) that must
     * read records as the shared one does.
     */
    public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configured(B builder) {
        return builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(new JavaTimeModule())
                .addModule(IsoInstants.module()) // after JavaTimeModule: the last registered reads instants
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** {@code value} as compact JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** {@code value} as indented JSON (reports, the console's detail panes). */
    public static String writePretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
