package dev.switchboard.router.cluster;

/**
 * What nodes say to each other. On a node's inbox: {@code D} an event frame for a user, {@code B}
 * several of them in order,
 * {@code S} a request to stop a run, {@code R} its answer. On the presence channel: {@code +} a
 * user's first connection on a node, {@code -} its last one closed, {@code !} a node gone with all
 * its users. Node ids hold no spaces and user ids are length-prefixed, so nothing needs escaping.
 */
final class NodeMessages {
    static final char DELIVER = 'D';
    static final char DELIVERIES = 'B';
    static final char STOP = 'S';
    static final char STOPPED = 'R';
    static final char JOINED = '+';
    static final char LEFT = '-';
    static final char GONE = '!';

    /** A decoded message: its kind and up to four fields, in the order written. */
    record Message(char kind, String first, String second, String third, String fourth) {
    }

    private NodeMessages() {
    }

    /** {@code D<user length>:<user><frame>}. */
    static String deliver(String userId, String frame) {
        return DELIVER + prefixed(userId) + frame;
    }

    /** The start of a {@code B} message: events for several users, each {@code <user length>:<user><frame length>:<frame>}. */
    static StringBuilder deliveries() {
        return new StringBuilder(256).append(DELIVERIES);
    }

    /** Adds one event to a {@code B} message. */
    static void appendDelivery(StringBuilder deliveries, String userId, String frame) {
        deliveries.append(userId.length()).append(':').append(userId).append(frame.length()).append(':').append(frame);
    }

    /** What a node does with each event of a {@code B} message. */
    @FunctionalInterface
    interface Delivery {
        void deliver(String userId, String frame);
    }

    /**
     * Hands each event of a {@code B} message to {@code delivery}, in order.
     *
     * @return how many there were
     * @throws IllegalArgumentException when it is malformed (the events before the fault were handed over)
     */
    static int forEachDelivery(String text, Delivery delivery) {
        if (text.isEmpty() || text.charAt(0) != DELIVERIES) {
            throw new IllegalArgumentException("not a deliveries message");
        }
        int at = 1;
        int count = 0;
        int[] end = new int[1];
        while (at < text.length()) {
            String user = readPrefixed(text, at, end);
            String frame = readPrefixed(text, end[0], end);
            at = end[0];
            delivery.deliver(user, frame);
            count++;
        }
        return count;
    }

    /** {@code S<request id> <from node> <user length>:<user><run id>}. */
    static String stop(String requestId, String fromNode, String userId, String runId) {
        return STOP + requestId + ' ' + fromNode + ' ' + prefixed(userId) + runId;
    }

    /** {@code R<request id> <1|0>}. */
    static String stopped(String requestId, boolean stopped) {
        return STOPPED + requestId + ' ' + (stopped ? '1' : '0');
    }

    /** {@code +<node> <user>}, {@code -<node> <user>}. */
    static String presence(boolean joined, String nodeId, String userId) {
        return (joined ? JOINED : LEFT) + nodeId + ' ' + userId;
    }

    /** {@code !<node>}. */
    static String gone(String nodeId) {
        return GONE + nodeId;
    }

    /**
     * Decodes a message.
     *
     * @throws IllegalArgumentException when it is not one of ours
     */
    static Message decode(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty cluster message");
        }
        char kind = text.charAt(0);
        switch (kind) {
            case DELIVER -> {
                int[] end = new int[1];
                String user = readPrefixed(text, 1, end);
                return new Message(kind, user, text.substring(end[0]), null, null);
            }
            case STOP -> {
                int space = space(text, 1);
                int second = space(text, space + 1);
                int[] end = new int[1];
                String user = readPrefixed(text, second + 1, end);
                return new Message(kind, text.substring(1, space), text.substring(space + 1, second), user,
                        text.substring(end[0]));
            }
            case STOPPED, JOINED, LEFT -> {
                int space = space(text, 1);
                return new Message(kind, text.substring(1, space), text.substring(space + 1), null, null);
            }
            case GONE -> {
                return new Message(kind, text.substring(1), null, null, null);
            }
            case DELIVERIES -> {
                return new Message(kind, text, null, null, null);
            }
            default -> throw new IllegalArgumentException("unknown cluster message kind " + kind);
        }
    }

    private static String prefixed(String value) {
        return value.length() + ":" + value;
    }

    private static String readPrefixed(String text, int from, int[] end) {
        int colon = text.indexOf(':', from);
        if (colon < 0) {
            throw new IllegalArgumentException("malformed cluster message");
        }
        int length = Integer.parseInt(text, from, colon, 10);
        int start = colon + 1;
        if (length < 0 || start + length > text.length()) {
            throw new IllegalArgumentException("malformed cluster message");
        }
        end[0] = start + length;
        return text.substring(start, start + length);
    }

    private static int space(String text, int from) {
        int space = text.indexOf(' ', from);
        if (space < 0) {
            throw new IllegalArgumentException("malformed cluster message");
        }
        return space;
    }
}
