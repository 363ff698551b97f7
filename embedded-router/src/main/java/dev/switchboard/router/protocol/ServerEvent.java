package dev.switchboard.router.protocol;

import java.util.Arrays;
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
    public static final class Builder {
        private final String type;
        private String[] keys = new String[6];
        private Object[] values = new Object[6];
        private int size;
        /** Whether {@link #build} handed the arrays to an event: a later put works on copies. */
        private boolean handedOver;

        private Builder(String type) {
            this.type = Objects.requireNonNull(type, "type must not be null");
        }

        /** Sets a field (replacing a field of that name, in its place); a null value leaves the field out. */
        public Builder put(String field, Object value) {
            Objects.requireNonNull(field, "field must not be null");
            if (value == null) {
                return this;
            }
            if (handedOver) {
                keys = keys.clone();
                values = values.clone();
                handedOver = false;
            }
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(field)) {
                    values[i] = value;
                    return this;
                }
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = field;
            values[size] = value;
            size++;
            return this;
        }

        public ServerEvent build() {
            handedOver = true;
            return new ServerEvent(type, new FieldMap(keys, values, size));
        }
    }
}
