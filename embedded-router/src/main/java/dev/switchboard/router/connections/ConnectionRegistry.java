package dev.switchboard.router.connections;

import dev.switchboard.router.event.Listeners;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every open connection, by id and by user, and the only path from the router to a socket.
 * {@link #emitToUser} delivers to every connection of one user and to no one else.
 */
public final class ConnectionRegistry {
    private static final Set<Connection> NONE = Set.of();

    private final JsonCodec codec;
    private final Clock clock;
    private final ConnectionLimits limits;
    private final Executor closer;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final OutboxTotal outboxTotal;
    /** Users an operator gave a smaller outbox, by user. */
    private final Map<String, Integer> outboxOverrides = new java.util.HashMap<>();
    private final CopyOnWriteArrayList<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder framesRefused = new LongAdder();
    private final LongAdder idleClosed = new LongAdder();
    private final LongAdder refusedPerUser = new LongAdder();
    private final LongAdder fanOutFrames = new LongAdder();
    private volatile RemoteDelivery remote = RemoteDelivery.NONE;

    /**
     * @param codec       encodes events once per emit
     * @param clock       the time source for connected-at and activity
     * @param limits      outbox bounds per connection, connections per user
     * @param closer      where sockets are closed (never on the thread that decided to close)
     */
    public ConnectionRegistry(JsonCodec codec, Clock clock, ConnectionLimits limits, Executor closer) {
        this.codec = Objects.requireNonNull(codec, "codec must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.limits = Objects.requireNonNull(limits, "limits must not be null");
        this.closer = Objects.requireNonNull(closer, "closer must not be null");
        this.outboxTotal = new OutboxTotal(limits.totalBytes(), byId.values());
    }

    public void addListener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /** Where events for a user also go: the user's connections on other nodes of a cluster. */
    public void remote(RemoteDelivery delivery) {
        this.remote = Objects.requireNonNull(delivery, "delivery must not be null");
    }

    /**
     * Registers a new connection of an authenticated user, unless the user already has as many as
     * {@link ConnectionLimits#perUser()} allows.
     *
     * @return the connection, or null when the user is at the limit (nothing was registered)
     */
    public Connection open(String userId, String remoteAddress, ConnectionSink sink) {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        Connection connection = new Connection("c-" + HexFormat.of().formatHex(bytes), userId, remoteAddress,
                clock.instant(), sink, limits, closer, outboxTotal);
        boolean[] admitted = new boolean[1];
        byUser.compute(userId, (user, set) -> {
            Set<Connection> connections = set != null ? set : ConcurrentHashMap.newKeySet();
            if (connections.size() < limits.perUser()) {
                connections.add(connection);
                admitted[0] = true;
            }
            return connections.isEmpty() ? null : connections;
        });
        if (!admitted[0]) {
            refusedPerUser.increment();
            return null;
        }
        synchronized (outboxOverrides) {
            Integer squeezed = outboxOverrides.get(userId);
            if (squeezed != null) {
                connection.outboxFrames(Math.min(squeezed, limits.outboxFrames()));
            }
        }
        byId.put(connection.id(), connection);
        ConnectionInfo info = connection.info();
        Listeners.notifyEach(listeners, listener -> listener.opened(info), "connection opened");
        return connection;
    }

    /**
     * Bounds the outbox of every connection of {@code userId}, open now or later, to {@code frames}
     * (an operator provoking 1013); null gives them the configured bound again.
     */
    public void limitOutbox(String userId, Integer frames) {
        synchronized (outboxOverrides) {
            if (frames == null) {
                outboxOverrides.remove(userId);
            } else {
                outboxOverrides.put(userId, frames);
            }
            int bound = frames == null ? limits.outboxFrames() : Math.min(frames, limits.outboxFrames()); // never more
            byUser.getOrDefault(userId, NONE).forEach(connection -> connection.outboxFrames(bound));
        }
    }

    /** Forgets a closed connection; does nothing if it is already gone. */
    public void remove(Connection connection) {
        if (byId.remove(connection.id()) == null) {
            return;
        }
        boolean[] last = new boolean[1];
        byUser.computeIfPresent(connection.userId(), (user, set) -> {
            set.remove(connection);
            last[0] = set.isEmpty();
            return set.isEmpty() ? null : set;
        });
        ConnectionInfo info = connection.info();
        Listeners.notifyEach(listeners, listener -> listener.closed(info, last[0]), "connection closed");
    }

    /**
     * Sends an event to every connection of {@code userId} and to no one else, on this node and, in a
     * cluster, on every other node holding a connection of the user.
     *
     * @return how many connections of this node it was queued on
     */
    public int emitToUser(String userId, ServerEvent event) {
        return emitToUser(userId, event, null);
    }

    /**
     * As {@link #emitToUser(String, ServerEvent)}, running {@code written} (when not null) once the
     * first connection of this node that took the frame has written it; never if none took it.
     */
    public int emitToUser(String userId, ServerEvent event, Runnable written) {
        Set<Connection> connections = byUser.getOrDefault(userId, NONE);
        RemoteDelivery elsewhere = remote;
        if (connections.isEmpty() && elsewhere == RemoteDelivery.NONE) {
            return 0;
        }
        String frame = codec.encode(event);
        int delivered = deliverLocally(userId, frame, written);
        elsewhere.forward(userId, frame);
        return delivered;
    }

    /**
     * Sends an encoded event frame to every connection of {@code userId} on this node only (an event
     * another node of the cluster forwarded).
     *
     * @return how many connections it was queued on
     */
    public int deliverLocally(String userId, String frame) {
        return deliverLocally(userId, frame, null);
    }

    private int deliverLocally(String userId, String frame, Runnable written) {
        Set<Connection> connections = byUser.getOrDefault(userId, NONE);
        if (connections.isEmpty()) {
            return 0;
        }
        int delivered = 0;
        for (Connection connection : connections) {
            // only the first connection that takes the frame times it
            delivered += deliver(connection, frame, delivered == 0 ? written : null) ? 1 : 0;
        }
        fanOutFrames.add(delivered);
        return delivered;
    }

    /**
     * Sends an already encoded frame to one connection, provided it belongs to {@code userId}.
     *
     * @return whether it was queued
     */
    public boolean sendToConnection(String userId, String connectionId, String frame) {
        return sendToConnection(userId, connectionId, frame, null);
    }

    /**
     * As {@link #sendToConnection(String, String, String)}, running {@code written} (when not null)
     * once the socket took the frame: how the transport times a message's answer.
     */
    public boolean sendToConnection(String userId, String connectionId, String frame, Runnable written) {
        Connection connection = byId.get(connectionId);
        return connection != null && connection.userId().equals(userId) && deliver(connection, frame, written);
    }

    private boolean deliver(Connection connection, String frame) {
        return deliver(connection, frame, null);
    }

    private boolean deliver(Connection connection, String frame, Runnable written) {
        if (connection.offer(frame, written)) {
            framesSent.increment();
            return true;
        }
        framesRefused.increment();
        return false;
    }

    /** Closes every connection idle for longer than {@code idleTimeout} with 1001; returns how many. */
    public int closeIdle(Duration idleTimeout) {
        long cutoff = clock.millis() - idleTimeout.toMillis();
        int closed = 0;
        for (Connection connection : byId.values()) {
            if (connection.lastActivityMillis() < cutoff && connection.close(CloseCodes.GOING_AWAY, "idle timeout")) {
                idleClosed.increment();
                closed++;
            }
        }
        return closed;
    }

    /** Closes every connection of a user with the given code; returns how many. */
    public int closeUser(String userId, int code, String reason) {
        int closed = 0;
        for (Connection connection : List.copyOf(byUser.getOrDefault(userId, NONE))) {
            closed += connection.close(code, reason) ? 1 : 0;
        }
        return closed;
    }

    /** Closes one connection; returns whether it was open and not already closing. */
    public boolean close(String connectionId, int code, String reason) {
        Connection connection = byId.get(connectionId);
        return connection != null && connection.close(code, reason);
    }

    /**
     * The thread that writes the frames of one of {@code userId}'s open connections on this node, or
     * null with none: where work whose results go to that user is cheapest to run.
     */
    public java.util.concurrent.Executor writerOf(String userId) {
        for (Connection connection : byUser.getOrDefault(userId, NONE)) {
            java.util.concurrent.Executor writer = connection.writer();
            if (writer != null) {
                return writer;
            }
        }
        return null;
    }

    /** The connection with this id, or null. */
    public Connection find(String connectionId) {
        return byId.get(connectionId);
    }

    public int connectionCount() {
        return byId.size();
    }

    public int userCount() {
        return byUser.size();
    }

    /** Every user with an open connection now (a copy). */
    public Set<String> users() {
        return Set.copyOf(byUser.keySet());
    }

    /** Whether the user has at least one open connection. */
    public boolean isOnline(String userId) {
        return byUser.containsKey(userId);
    }

    /** Every open connection, sorted by user then connected-at. */
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> infos = new ArrayList<>(byId.size());
        byId.values().forEach(connection -> infos.add(connection.info()));
        infos.sort(Comparator.comparing(ConnectionInfo::userId).thenComparing(ConnectionInfo::connectedAt));
        return infos;
    }

    /** Frames queued for sending since start. */
    public long framesSent() {
        return framesSent.sum();
    }

    /** Frames refused because a connection's outbox was full (or it had overflowed). */
    public long framesRefused() {
        return framesRefused.sum();
    }

    /** Connections closed with 1013 because every outbox together was over {@link ConnectionLimits#totalBytes()}. */
    public long closedOverOutboxTotal() {
        return outboxTotal.closed();
    }

    /** Handshakes refused because the user already had {@link ConnectionLimits#perUser()} connections. */
    public long refusedPerUser() {
        return refusedPerUser.sum();
    }

    /** Frames queued by {@link #emitToUser}: one per connection of the user, for every event. */
    public long fanOutFrames() {
        return fanOutFrames.sum();
    }

    /** The limits this registry enforces. */
    public ConnectionLimits limits() {
        return limits;
    }

    /** Connections closed for being idle. */
    public long idleClosed() {
        return idleClosed.sum();
    }
}
