package dev.switchboard.console.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.console.ws.ClientConnection;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** One user's injected client connection (a {@link ClientConnection}, no reconnect). */
final class InjectedConnection {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String userId;
    private final Consumer<ReceivedFrame> frames;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final AtomicReference<ConnectionState> state;
    private final ClientConnection connection;

    InjectedConnection(String userId, Consumer<ReceivedFrame> frames, ObjectMapper mapper, Clock clock,
                       HttpClient client) {
        this.userId = userId;
        this.frames = frames;
        this.mapper = mapper;
        this.clock = clock;
        this.state = new AtomicReference<>(new ConnectionState(userId, ConnectionState.Phase.CONNECTING, clock.instant(),
                null, 0, null));
        this.connection = ClientConnection.builder(client).connectTimeout(CONNECT_TIMEOUT).listener(new Listener())
                .build();
    }

    ConnectionState state() {
        return state.get();
    }

    /** Connects once the feed said where; sends made meanwhile wait for the connection (and fail with it). */
    void open(CompletionStage<UserEndpoint> endpoint) {
        connection.open(endpoint.thenApply(target -> {
            state.updateAndGet(now -> new ConnectionState(userId, ConnectionState.Phase.CONNECTING, clock.instant(),
                    null, 0, target.uri().toString())); // a token goes in a header, never in the URI
            return new ClientConnection.Target(target.uri(), target.bearerToken());
        }));
    }

    CompletableFuture<Void> send(String text) {
        String id = idOf(text, "message_id");
        if (id != null) {
            if (waiting.size() >= WAITING_LIMIT) {
                waiting.clear(); // answers that never came: their round trips are not worth holding on to
            }
            waiting.put(id, System.nanoTime());
        }
        CompletableFuture<Void> sent = connection.send(text);
        if (id != null) {
            // from the frame written, not from Send: the first message waits for the connection to open
            sent.thenRun(() -> waiting.computeIfPresent(id, (key, before) -> System.nanoTime()));
        }
        return sent;
    }

    /** Messages sent and not answered yet, by id: when each went out. */
    private final Map<String, Long> waiting = new ConcurrentHashMap<>();
    private static final int WAITING_LIMIT = 1_000;

    /**
     * The id a frame carries in {@code field} ({@code message_id} in a client message, {@code
     * reply_to} in an answer), or a JSON-RPC {@code id}; null when it has none or is not JSON.
     */
    private String idOf(String text, String field) {
        try {
            JsonNode frame = mapper.readTree(text);
            JsonNode id = frame.has("jsonrpc") ? frame.get("id") : frame.get(field);
            return id == null || id.isNull() || id.isContainerNode() ? null : id.asText();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void close() {
        connection.close("closed from the console");
    }

    void abort() {
        connection.abort();
    }

    /** Why a connect or a send failed, in one line. */
    static String describe(Throwable failure) {
        return ClientConnection.describe(failure, CONNECT_TIMEOUT);
    }

    private void received(String text) {
        String type = "?";
        String connectionId = null;
        try {
            JsonNode frame = mapper.readTree(text);
            if (frame.has("type")) {
                type = frame.path("type").asText();
            } else if (frame.has("jsonrpc")) {
                type = frame.has("error") ? "jsonrpc error" : "jsonrpc result";
            }
            if (type.equals("connection_established")) {
                connectionId = frame.path("connection_id").asText(null);
            }
        } catch (IOException e) {
            type = "(not JSON)";
        }
        if (connectionId != null) {
            String id = connectionId;
            state.updateAndGet(now -> now.phase() == ConnectionState.Phase.OPEN
                    ? new ConnectionState(userId, now.phase(), now.since(), id, 0, now.detail()) : now);
        }
        String answering = idOf(text, "reply_to");
        Long sentAt = answering == null ? null : waiting.remove(answering);
        Double roundTrip = sentAt == null ? null : (System.nanoTime() - sentAt) / 1e6;
        frames.accept(new ReceivedFrame(clock.instant(), userId, type, text, roundTrip));
    }

    private final class Listener implements ClientConnection.Listener {
        @Override
        public void onOpen() {
            state.updateAndGet(now -> new ConnectionState(userId, ConnectionState.Phase.OPEN, clock.instant(),
                    now.connectionId(), 0, now.detail()));
        }

        @Override
        public void onText(String text) {
            received(text);
        }

        @Override
        public void onDown(ClientConnection.Down down) {
            switch (down.cause()) {
                case CONNECT_FAILED -> state.set(new ConnectionState(userId, ConnectionState.Phase.FAILED,
                        clock.instant(), null, 0, describe(down.failure())));
                case CLOSED -> state.set(new ConnectionState(userId, ConnectionState.Phase.CLOSED, clock.instant(),
                        state.get().connectionId(), down.statusCode(), down.reason()));
                case BROKEN -> state.updateAndGet(now -> now.phase() == ConnectionState.Phase.CLOSED ? now
                        : new ConnectionState(userId, ConnectionState.Phase.FAILED, clock.instant(), now.connectionId(),
                                0, describe(down.failure())));
            }
        }
    }
}
