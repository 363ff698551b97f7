package dev.switchboard.router.protocol;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map of a handful of named values, in the order they were put, kept in two arrays: a
 * server event's fields, a trace step's detail. A hash map, with its table and an entry object per
 * field, cost several times as much for so few, and one is made for every event and every traced
 * step (and a trace is kept for seconds, long enough to be copied by the young collections). Lookups
 * scan the keys. {@link EventWriter} reads the arrays directly.
 */
public final class FieldMap extends AbstractMap<String, Object> {
    private final String[] keys;
    private final Object[] values;
    private final int size;

    /** Takes the arrays as they are: whoever hands them over writes to them no more. */
    private FieldMap(String[] keys, Object[] values, int size) {
        this.keys = keys;
        this.values = values;
        this.size = size;
    }

    /** Starts a map, for a handful of fields. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A copy of {@code fields} in their order; a value that is itself a map with text keys is copied
     * the same way, so that a copied detail holds no hash map at any depth.
     */
    public static FieldMap copyOf(Map<String, ?> fields) {
        if (fields instanceof FieldMap same) {
            return same;
        }
        String[] keys = new String[fields.size()];
        Object[] values = new Object[keys.length];
        int index = 0;
        for (Map.Entry<String, ?> field : fields.entrySet()) {
            keys[index] = Objects.requireNonNull(field.getKey(), "a field must have a name");
            values[index] = compact(field.getValue());
            index++;
        }
        return new FieldMap(keys, values, index);
    }

    private static Object compact(Object value) {
        if (!(value instanceof Map<?, ?> map) || value instanceof FieldMap) {
            return value;
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return value; // not a detail of named fields: left as it is
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> named = (Map<String, ?>) map;
        return copyOf(named);
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

    /** Builds a {@link FieldMap}: fields in the order first put; putting a field again replaces its value in place. */
    public static final class Builder extends Fields {
        private Builder() {
        }

        /** Sets a field, null values included. */
        public Builder put(String key, Object value) {
            set(key, value);
            return this;
        }

        public FieldMap build() {
            return take();
        }
    }

    /**
     * The arrays a {@link FieldMap} is built in, for the builders of this package (a server event's
     * builder is one, so that building an event makes one object fewer).
     */
    abstract static class Fields {
        private static final int INITIAL_FIELDS = 6;
        private String[] keys = new String[INITIAL_FIELDS];
        private Object[] values = new Object[INITIAL_FIELDS];
        private int size;
        /** Whether {@link #take} handed the arrays to a map: a later set works on copies. */
        private boolean handedOver;

        /** Sets a field, replacing the value of a field of that name in its place. */
        final void set(String key, Object value) {
            Objects.requireNonNull(key, "key must not be null");
            if (handedOver) {
                keys = keys.clone();
                values = values.clone();
                handedOver = false;
            }
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    values[i] = value;
                    return;
                }
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            size++;
        }

        /** The fields so far, as a map. */
        final FieldMap take() {
            handedOver = true;
            return new FieldMap(keys, values, size);
        }
    }
}
