package dev.switchboard.console.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.ws.SerialSender;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.console.ws.WholeTextListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A router elsewhere, watched through {@code ws://host:port/monitor} with a viewer or operator
 * token. Survives the router restarting: it reconnects with exponential backoff (250 ms doubling
 * to 10 s), reports reconnecting and then lost (after 30 s), and the fresh snapshot the router sends
 * on every connect resyncs the console. A refused token (401/403) is reported and not retried.
 */
public final class RemoteFeed implements ConsoleFeed {
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration LAST_RETRY = Duration.ofSeconds(10);
    private static final Duration LOST_AFTER = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_QUEUED_COMMANDS = 1_000;

    private final URI uri;
    private final String token;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "console-remote-feed");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, CompletableFuture<ObjectNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong commandIds = new AtomicLong();
    private volatile WebSocket socket;
    private SerialSender sender;
    private WebSocket senderSocket;
    private volatile boolean closed;
    private volatile Instant lostAt;
    private Consumer<MonitorFrame> documents;
    private Consumer<FeedStatus> status;
    private int attempts;

    /**
     * @param uri   the monitor endpoint, {@code ws://host:port/monitor}
     * @param token a JWT with role viewer or operator
     */
    public RemoteFeed(URI uri, String token) {
        this.uri = Objects.requireNonNull(uri, "uri must not be null");
        this.token = Objects.requireNonNull(token, "token must not be null");
    }

    @Override
    public String source() {
        return "remote " + uri;
    }

    @Override
    public void start(Consumer<MonitorFrame> documentSink, Consumer<FeedStatus> statusSink) {
        this.documents = documentSink;
        this.status = statusSink;
        scheduler.execute(this::connect);
    }

    private void connect() {
        if (closed) {
            return;
        }
        client.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener())
                .whenComplete((webSocket, failure) -> {
                    if (failure == null) {
                        socket = webSocket;
                        scheduler.execute(() -> attempts = 0);
                        lostAt = null;
                        status.accept(new FeedStatus(FeedStatus.State.CONNECTED, Instant.now(), uri.toString()));
                    } else {
                        scheduler.execute(() -> failed(failure));
                    }
                });
    }

    private void failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof WebSocketHandshakeException refused) {
            int code = refused.getResponse().statusCode();
            if (code == 401 || code == 403) {
                status.accept(new FeedStatus(FeedStatus.State.LOST, Instant.now(),
                        "the router refused the token (HTTP " + code + ")"));
                return;
            }
        }
        disconnected(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /** Runs on the scheduler thread. */
    private void disconnected(String why) {
        if (closed) {
            return;
        }
        socket = null;
        failPending();
        Instant now = Instant.now();
        if (lostAt == null) {
            lostAt = now;
        }
        FeedStatus.State state = Duration.between(lostAt, now).compareTo(LOST_AFTER) >= 0
                ? FeedStatus.State.LOST : FeedStatus.State.RECONNECTING;
        status.accept(new FeedStatus(state, lostAt, why));
        long delay = Math.min(LAST_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempts, 10));
        attempts++;
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void failPending() {
        pending.values().forEach(future -> future.completeExceptionally(new IllegalStateException("disconnected")));
        pending.clear();
    }

    @Override
    public CompletionStage<ObjectNode> command(JsonNode command) {
        WebSocket current = socket;
        if (current == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
        }
        String id = "console-" + commandIds.incrementAndGet();
        ObjectNode copy = command.deepCopy();
        copy.put("message_id", id);
        CompletableFuture<ObjectNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        // one send at a time: the JDK client refuses a send while another is in progress, and the
        // command would be lost and time out
        sender(current).send(copy.toString()).whenComplete((sent, failure) -> {
            if (failure != null) {
                reply.completeExceptionally(failure);
            }
        });
        return reply.orTimeout(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((result, failure) -> pending.remove(id));
    }

    /** The sender of {@code current}, made once per connection. */
    private synchronized SerialSender sender(WebSocket current) {
        if (sender == null || senderSocket != current) {
            sender = new SerialSender(current, MAX_QUEUED_COMMANDS);
            senderSocket = current;
        }
        return sender;
    }

    @Override
    public CompletionStage<UserEndpoint> userEndpoint(String userId) {
        URI clientUri = clientUri(uri);
        return command(UserEndpoint.issueToken(userId))
                .thenApply(reply -> UserEndpoint.fromIssueToken(clientUri, userId, reply));
    }

    /** The router's client endpoint next to its monitor: {@code ws://host:port/monitor} → {@code ws://host:port/ws}. */
    static URI clientUri(URI monitorUri) {
        String path = monitorUri.getPath() == null ? "" : monitorUri.getPath();
        String clientPath = path.endsWith("/monitor") ? path.substring(0, path.length() - "/monitor".length()) + "/ws" : "/ws";
        try {
            return new URI(monitorUri.getScheme(), monitorUri.getUserInfo(), monitorUri.getHost(), monitorUri.getPort(),
                    clientPath, null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("cannot derive the client URI from " + monitorUri, e);
        }
    }

    private void received(String text) {
        ObjectNode document;
        try {
            document = (ObjectNode) Json.mapper().readTree(text);
        } catch (JsonProcessingException | ClassCastException e) {
            return;
        }
        String replyTo = document.path("reply_to").asText(null);
        CompletableFuture<ObjectNode> waiting = replyTo == null ? null : pending.get(replyTo);
        if (waiting != null) {
            waiting.complete(document);
            return;
        }
        // read into records here, on the socket's thread: the console's tick parses nothing
        MonitorFrame frame = MonitorFrames.read(document);
        if (frame != null) {
            documents.accept(frame);
        }
    }

    private final class Listener extends WholeTextListener {
        @Override
        protected void onMessage(String text) {
            received(text);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            scheduler.execute(() -> disconnected("closed by the router (" + statusCode + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            scheduler.execute(() -> disconnected(error.getMessage() == null ? "connection failed" : error.getMessage()));
        }
    }

    @Override
    public void close() {
        closed = true;
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
        failPending();
        scheduler.shutdownNow();
    }
}
