package dev.switchboard.router.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's {@code java.net.http}) that records every frame it receives,
 * for tests that assert on what a user would see.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> seenText = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final boolean autoRead;
    private WebSocket socket;
    private StringBuilder partial = new StringBuilder();

    private WsClient(boolean autoRead) {
        this.autoRead = autoRead;
    }

    /** Connects as {@code user} with dev auth and waits for {@code connection_established}. */
    public static WsClient connect(URI clientUri, String user) {
        WsClient client = open(URI.create(clientUri + "?user=" + user), Map.of(), true);
        client.await(m -> m.path("type").asText().equals("connection_established"));
        return client;
    }

    /**
     * Opens {@code /monitor} on the router listening on {@code port} with {@code token} and waits for
     * its snapshot (returned by {@link #snapshot()}).
     */
    public static WsClient monitor(int port, String token) {
        WsClient client = open(URI.create("ws://127.0.0.1:" + port + "/monitor?token=" + token), Map.of(), true);
        client.snapshot = client.awaitType("monitor_snapshot");
        return client;
    }

    private JsonNode snapshot;

    /** The snapshot a {@link #monitor} connection got first. */
    public JsonNode snapshot() {
        return snapshot;
    }

    /** Opens a connection with extra headers; fails the test if the handshake fails. */
    public static WsClient open(URI uri, Map<String, String> headers, boolean autoRead) {
        try {
            return openAsync(uri, headers, autoRead).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("handshake with " + uri + " failed", e);
        }
    }

    /** Opens a connection; the future fails when the handshake is refused. */
    public static CompletableFuture<WsClient> openAsync(URI uri, Map<String, String> headers, boolean autoRead) {
        WsClient client = new WsClient(autoRead);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        return builder.buildAsync(uri, client.listener()).thenApply(ws -> {
            client.socket = ws;
            return client;
        });
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(autoRead ? Long.MAX_VALUE : 1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial = new StringBuilder();
                    seenText.add(text);
                    try {
                        JsonNode node = JSON.readTree(text);
                        seen.add(node);
                        inbox.add(node);
                    } catch (JsonProcessingException e) {
                        inbox.add(JSON.createObjectNode().put("type", "__unparseable__").put("text", text));
                    }
                }
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.completeExceptionally(error);
            }
        };
    }

    /** Sends a JSON text frame. */
    public WsClient send(String json) {
        socket.sendText(json, true).join();
        return this;
    }

    /** Sends an object as JSON. */
    public WsClient send(Map<String, ?> message) {
        try {
            return send(JSON.writeValueAsString(message));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public WsClient sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
        return this;
    }

    /** Lets a client opened without auto-read read everything from now on. */
    public void readAll() {
        socket.request(Long.MAX_VALUE);
    }

    /** Waits for the next frame matching {@code filter}, dropping others; fails after {@link #WAIT}. */
    public JsonNode await(Predicate<JsonNode> filter) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode next = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
                if (next == null) {
                    return fail("no matching frame within " + WAIT + "; received so far: " + tail());
                }
                if (filter.test(next)) {
                    return next;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for the next frame of a type. */
    public JsonNode awaitType(String type) {
        return await(m -> type.equals(m.path("type").asText()));
    }

    /** Waits for the reply to {@code messageId}. */
    public JsonNode awaitReply(String messageId) {
        return await(m -> messageId.equals(m.path("reply_to").asText(null)));
    }

    /** Waits for the JSON-RPC response with this id. */
    public JsonNode awaitRpc(Object id) {
        return await(m -> m.has("jsonrpc") && String.valueOf(id).equals(m.path("id").asText()));
    }

    /** Collects every event of one run until its {@code agent_completed}. */
    public List<JsonNode> awaitRun(String runId) {
        List<JsonNode> events = new ArrayList<>();
        while (true) {
            JsonNode event = await(m -> runId.equals(m.path("run_id").asText(null))
                    && !m.path("type").asText().equals("message_ack"));
            events.add(event);
            if (event.path("type").asText().equals("agent_completed")) {
                return events;
            }
        }
    }

    /** Sends a ping and expects the pong: the connection is open and usable. */
    public void assertUsable() {
        String id = "usable-" + System.nanoTime();
        send(Map.of("type", "ping", "message_id", id));
        assertThat(awaitReply(id).path("type").asText()).isEqualTo("pong");
    }

    /** The last frames received, cut to a readable length, for failure messages. */
    private String tail() {
        List<JsonNode> frames = seen();
        String text = frames.subList(Math.max(0, frames.size() - 10), frames.size()).toString();
        return frames.size() + " frames, the last ones: " + (text.length() > 4000 ? text.substring(0, 4000) + "…" : text);
    }

    /** Every frame received so far, in order. */
    public List<JsonNode> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Every frame received so far, as the server wrote it, in order. */
    public List<String> seenText() {
        synchronized (seenText) {
            return List.copyOf(seenText);
        }
    }

    /** The close code the server sent, waiting for it. */
    public int awaitClose() {
        try {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection did not close within " + WAIT + "; received: " + tail(), e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Sends a close with {@code code} and {@code reason}, then waits for the server's answer. */
    public void closeWith(int code, String reason) {
        socket.sendClose(code, reason).join();
        awaitClose();
    }

    /** Drops the socket with no close frame, as a client that crashed would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        if (socket != null) {
            socket.abort();
        }
    }
}
