package dev.switchboard.router.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One server-to-client JSON object: a {@code type} plus top-level fields in insertion order.
 * Immutable; build with {@link #builder(String)}.
 *
 * @param type   the event type
 * @param fields the other top-level fields (values: strings, numbers, booleans, maps, lists, records)
 */
public record ServerEvent(String type, Map<String, Object> fields) {

    public ServerEvent {
        Objects.requireNonNull(type, "type must not be null");
        // a builder's fields are handed over as they are (no one else holds them); any other map is copied
        fields = fields instanceof FieldMap ? fields : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Starts an event of the given type. */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** An event with no fields but its type. */
    public static ServerEvent of(String type) {
        return new ServerEvent(type, Map.of());
    }

    /** The field's value, or null. */
    public Object get(String field) {
        return fields.get(field);
    }

    /** A copy with one field set (replacing an existing one). */
    public ServerEvent with(String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(field, value);
        return new ServerEvent(type, copy);
    }

    /** Builds a {@link ServerEvent}; null values are left out. */
    public static final class Builder extends FieldMap.Fields {
        private final String type;

        private Builder(String type) {
            this.type = Objects.requireNonNull(type, "type must not be null");
        }

        /** Sets a field (replacing a field of that name, in its place); a null value leaves the field out. */
        public Builder put(String field, Object value) {
            if (value != null) {
                set(field, value);
            }
            return this;
        }

        public ServerEvent build() {
            return new ServerEvent(type, take());
        }
    }
}
