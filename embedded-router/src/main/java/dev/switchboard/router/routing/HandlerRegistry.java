package dev.switchboard.router.routing;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handlers by message type, with O(1) lookup. Custom handlers may be registered and removed at
 * runtime and take precedence over the built-in handler of the same type.
 */
public final class HandlerRegistry {
    private final Map<String, MessageHandler> builtIn = new ConcurrentHashMap<>();
    private final Map<String, MessageHandler> custom = new ConcurrentHashMap<>();

    /** Registers a built-in handler (done once, at router assembly). */
    public void registerBuiltIn(String type, MessageHandler handler) {
        builtIn.put(requireType(type), Objects.requireNonNull(handler, "handler must not be null"));
    }

    /**
     * Registers a custom handler; it serves {@code type} instead of the built-in one until removed.
     *
     * @return the custom handler it replaced, or null
     */
    public MessageHandler register(String type, MessageHandler handler) {
        return custom.put(requireType(type), Objects.requireNonNull(handler, "handler must not be null"));
    }

    /**
     * Removes the custom handler of {@code type}; the built-in one, if any, serves the type again.
     *
     * @return whether a custom handler was removed
     */
    public boolean unregister(String type) {
        return custom.remove(type) != null;
    }

    /** Whether {@code type} is served by its built-in handler (there is one, and no custom one replaces it). */
    public boolean servesBuiltIn(String type) {
        return !custom.containsKey(type) && builtIn.containsKey(type);
    }

    /** The handler serving {@code type}, or null when none does. */
    public MessageHandler find(String type) {
        MessageHandler handler = custom.get(type);
        return handler != null ? handler : builtIn.get(type);
    }

    /** Every type some handler serves, sorted. */
    public Set<String> types() {
        Set<String> types = new TreeSet<>(builtIn.keySet());
        types.addAll(custom.keySet());
        return types;
    }

    private static String requireType(String type) {
        Objects.requireNonNull(type, "type must not be null");
        if (type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank");
        }
        return type;
    }
}
