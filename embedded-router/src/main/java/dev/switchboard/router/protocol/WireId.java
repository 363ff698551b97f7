package dev.switchboard.router.protocol;

/**
 * The shape of every identifier a client sends ({@code message_id}, {@code thread_id},
 * {@code run_id}) and of connection ids: 1 to 128 characters of {@code [A-Za-z0-9._:@-]}. Ids the
 * router makes ({@code run-…}, {@code t-…}, {@code c-…}) have this shape, so an id that passed
 * can be echoed in replies, events and the monitor without escaping or markup concerns.
 */
public final class WireId {
    /** The longest id accepted. */
    public static final int MAX_LENGTH = 128;
    /** The rule in words, for error messages. */
    public static final String RULE = "1 to " + MAX_LENGTH + " characters of [A-Za-z0-9._:@-]";

    private WireId() {
    }

    /** Whether {@code id} is 1 to 128 characters of {@code [A-Za-z0-9._:@-]}; checked by hand: it runs for every message. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** The error text for a field that breaks the rule, naming the field and never quoting it. */
    public static String problem(String field) {
        return "field '" + field + "' must be " + RULE;
    }
}
