package dev.switchboard.console.inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.protocol.Json;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Sends messages as a user through real client connections on the router's {@code /ws} (the
 * inject panel's engine; no JavaFX). One connection per user, opened on the first send with what
 * {@link ConsoleFeed#userEndpoint} says (dev auth or a short-lived token) and reused while open;
 * a closed one is replaced on the next send. Nothing here blocks: what the connections receive,
 * and how each send went, wait in bounded buffers for the UI's tick to drain them.
 *
 * <p>Buffers: received frames, {@link #RECEIVED_CAPACITY}; when full the oldest go and are counted
 * ({@link #droppedFrames()}). Send outcomes, 256, the oldest going likewise.
 */
public final class Injector implements AutoCloseable {
    /** Received frames kept between two drains. */
    public static final int RECEIVED_CAPACITY = 4_096;
    private static final int SENT_CAPACITY = 256;

    private final Function<String, CompletionStage<UserEndpoint>> endpoints;
    private final Clock clock;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper mapper = Json.mapper();
    private final Map<String, InjectedConnection> connections = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<ReceivedFrame> received;
    private final ArrayBlockingQueue<SentMessage> sent = new ArrayBlockingQueue<>(SENT_CAPACITY);
    private final AtomicLong droppedFrames = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Connects the way {@code feed} says, with {@link #RECEIVED_CAPACITY}. */
    public Injector(ConsoleFeed feed, Clock clock) {
        this(feed::userEndpoint, clock, RECEIVED_CAPACITY);
    }

    /**
     * @param endpoints        how to connect as a user
     * @param clock            stamps received frames and sends
     * @param receivedCapacity received frames kept between two drains
     */
    public Injector(Function<String, CompletionStage<UserEndpoint>> endpoints, Clock clock, int receivedCapacity) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.received = new ArrayBlockingQueue<>(receivedCapacity);
    }

    /** Whether {@code userId} is a user id the router accepts. */
    public static boolean isValidUserId(String userId) {
        return Principal.isValidUserId(userId);
    }

    /**
     * Sends {@code text} as one text frame on {@code userId}'s connection, opening one when it has
     * none open. Returns at once; the stage completes when the frame went out (or could not), and
     * the outcome is also left for {@link #drainSent}.
     */
    public CompletionStage<Void> send(String userId, String text) {
        Instant at = clock.instant();
        DraftCheck check = DraftCheck.of(text);
        String type = check.type() != null ? check.type() : "(" + check.problem() + ")";
        CompletableFuture<Void> outcome;
        if (closed.get()) {
            outcome = CompletableFuture.failedFuture(new IllegalStateException("the console is closing"));
        } else if (!isValidUserId(userId)) {
            outcome = CompletableFuture.failedFuture(new IllegalArgumentException("not a valid user id: " + userId));
        } else {
            outcome = connection(userId).send(text);
        }
        return outcome.whenComplete((ignored, failure) -> offer(sent, new SentMessage(at, userId, type, text,
                failure == null ? null : InjectedConnection.describe(failure)), null));
    }

    private InjectedConnection connection(String userId) {
        List<InjectedConnection> created = new ArrayList<>(1);
        InjectedConnection connection = connections.compute(userId, (id, existing) -> {
            if (existing != null && existing.state().usable()) {
                return existing;
            }
            InjectedConnection fresh = new InjectedConnection(id, this::receive, mapper, clock, client);
            created.add(fresh);
            return fresh;
        });
        if (!created.isEmpty()) {
            // outside compute: opening calls the feed, which must not run under the map's lock
            CompletionStage<UserEndpoint> endpoint;
            try {
                endpoint = endpoints.apply(userId);
            } catch (RuntimeException e) {
                endpoint = CompletableFuture.failedFuture(e);
            }
            connection.open(endpoint);
        }
        return connection;
    }

    private void receive(ReceivedFrame frame) {
        offer(received, frame, droppedFrames);
    }

    private static <T> void offer(ArrayBlockingQueue<T> queue, T item, AtomicLong dropped) {
        while (!queue.offer(item)) {
            if (queue.poll() != null && dropped != null) {
                dropped.incrementAndGet();
            }
        }
    }

    /** Closes {@code userId}'s connection with 1000 (the router's close frame ends it). */
    public void close(String userId) {
        InjectedConnection connection = connections.get(userId);
        if (connection != null) {
            connection.close();
        }
    }

    /** Where {@code userId}'s connection is now. */
    public ConnectionState state(String userId) {
        InjectedConnection connection = connections.get(userId);
        return connection == null ? ConnectionState.none(userId == null ? "" : userId) : connection.state();
    }

    /** Moves up to {@code max} received frames, oldest first, into {@code into}; returns how many. */
    public int drainReceived(Collection<? super ReceivedFrame> into, int max) {
        return received.drainTo(into, max);
    }

    /** Moves up to {@code max} send outcomes, oldest first, into {@code into}; returns how many. */
    public int drainSent(Collection<? super SentMessage> into, int max) {
        return sent.drainTo(into, max);
    }

    /** Received frames dropped because nobody drained them in time. */
    public long droppedFrames() {
        return droppedFrames.get();
    }

    /** Aborts every connection. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            List.copyOf(connections.values()).forEach(InjectedConnection::abort);
            connections.clear();
        }
    }
}
