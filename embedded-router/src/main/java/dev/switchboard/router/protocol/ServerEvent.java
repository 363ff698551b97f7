package dev.switchboard.router.protocol;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

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

    /**
     * A builder's fields, read-only once built: every reply and run event is built once, so it is not
     * copied. Kept in two arrays rather than a hash map: an event has a handful of fields, and a map
     * with its table and an entry per field was the larger part of what building an event allocated.
     * {@link EventWriter} reads the arrays directly.
     */
    static final class Built extends AbstractMap<String, Object> {
        private final String[] keys;
        private final Object[] values;
        private final int size;

        private Built(String[] keys, Object[] values, int size) {
            this.keys = keys;
            this.values = values;
            this.size = size;
        }

        String key(int index) {
            return keys[index];
        }

        Object value(int index) {
            return values[index];
        }

        private int indexOf(Object key) {
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < size;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= size) {
                                throw new NoSuchElementException();
                            }
                            next++;
                            return new SimpleImmutableEntry<>(keys[next - 1], values[next - 1]);
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }

        @Override
        public Object get(Object key) {
            int index = indexOf(key);
            return index < 0 ? null : values[index];
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public int size() {
            return size;
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
            return new ServerEvent(type, new Built(keys, values, size));
        }
    }
}
