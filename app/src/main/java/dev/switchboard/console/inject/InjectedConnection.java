package dev.switchboard.console.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.console.ws.FailureText;
import dev.switchboard.console.ws.WholeTextListener;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** One user's injected client connection (JDK {@code java.net.http} WebSocket). */
final class InjectedConnection {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String userId;
    private final Consumer<ReceivedFrame> frames;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final CompletableFuture<WebSocket> socket = new CompletableFuture<>();
    private final AtomicReference<ConnectionState> state;
    /** The last send: the JDK WebSocket takes one send at a time, so each waits for the one before. */
    private CompletableFuture<Void> lastSend = CompletableFuture.completedFuture(null);

    InjectedConnection(String userId, Consumer<ReceivedFrame> frames, ObjectMapper mapper, Clock clock) {
        this.userId = userId;
        this.frames = frames;
        this.mapper = mapper;
        this.clock = clock;
        this.state = new AtomicReference<>(new ConnectionState(userId, ConnectionState.Phase.CONNECTING, clock.instant(),
                null, 0, null));
    }

    ConnectionState state() {
        return state.get();
    }

    void open(CompletionStage<UserEndpoint> endpoint, HttpClient client) {
        endpoint.thenCompose(target -> {
            state.updateAndGet(now -> new ConnectionState(userId, ConnectionState.Phase.CONNECTING, clock.instant(),
                    null, 0, target.uri().toString())); // a token goes in a header, never in the URI
            WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
            if (target.bearerToken() != null) {
                builder.header("Authorization", "Bearer " + target.bearerToken());
            }
            return builder.buildAsync(target.uri(), new Listener());
        }).whenComplete((webSocket, failure) -> {
            if (failure != null) {
                state.set(new ConnectionState(userId, ConnectionState.Phase.FAILED, clock.instant(), null, 0,
                        describe(failure)));
                socket.completeExceptionally(failure);
            } else {
                socket.complete(webSocket);
            }
        });
    }

    synchronized CompletableFuture<Void> send(String text) {
        CompletableFuture<Void> next = lastSend.handle((ignored, failure) -> null)
                .thenCompose(ignored -> socket)
                .thenCompose(webSocket -> webSocket.sendText(text, true))
                .thenApply(webSocket -> null);
        lastSend = next;
        return next;
    }

    void close() {
        socket.thenAccept(webSocket -> webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "closed from the console"));
    }

    void abort() {
        socket.thenAccept(WebSocket::abort);
    }

    /** Why a connect or a send failed, in one line. */
    static String describe(Throwable failure) {
        return FailureText.describe(failure, CONNECT_TIMEOUT);
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
        frames.accept(new ReceivedFrame(clock.instant(), userId, type, text));
    }

    private final class Listener extends WholeTextListener {
        @Override
        public void onOpen(WebSocket webSocket) {
            state.updateAndGet(now -> new ConnectionState(userId, ConnectionState.Phase.OPEN, clock.instant(),
                    now.connectionId(), 0, now.detail()));
            webSocket.request(1);
        }

        @Override
        protected void onMessage(String text) {
            received(text);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // the protocol is text only
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            state.set(new ConnectionState(userId, ConnectionState.Phase.CLOSED, clock.instant(),
                    state.get().connectionId(), statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            state.updateAndGet(now -> now.phase() == ConnectionState.Phase.CLOSED ? now
                    : new ConnectionState(userId, ConnectionState.Phase.FAILED, clock.instant(), now.connectionId(), 0,
                            describe(error)));
        }
    }
}
