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
        // a builder's map is handed over as it is (no one else holds it); any other map is copied
        fields = fields instanceof Built ? fields : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A builder's fields, read-only once built: every reply and run event is built once, so it is not copied. */
    private static final class Built extends java.util.AbstractMap<String, Object> {
        private final Map<String, Object> fields;

        Built(Map<String, Object> fields) {
            this.fields = Collections.unmodifiableMap(fields);
        }

        @Override
        public java.util.Set<Entry<String, Object>> entrySet() {
            return fields.entrySet();
        }

        @Override
        public Object get(Object key) {
            return fields.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return fields.containsKey(key);
        }

        @Override
        public int size() {
            return fields.size();
        }
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
        private Map<String, Object> fields = new LinkedHashMap<>();
        /** Whether {@link #build} handed {@code fields} to an event: a later put works on a copy. */
        private boolean handedOver;

        private Builder(String type) {
            this.type = Objects.requireNonNull(type, "type must not be null");
        }

        /** Sets a field; a null value leaves the field out. */
        public Builder put(String field, Object value) {
            if (value != null) {
                if (handedOver) {
                    fields = new LinkedHashMap<>(fields);
                    handedOver = false;
                }
                fields.put(field, value);
            }
            return this;
        }

        public ServerEvent build() {
            handedOver = true;
            return new ServerEvent(type, new Built(fields));
        }
    }
}
