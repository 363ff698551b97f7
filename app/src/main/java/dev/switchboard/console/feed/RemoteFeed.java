package dev.switchboard.console.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
    private volatile String token;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "console-remote-feed");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, CompletableFuture<ObjectNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong commandIds = new AtomicLong();
    /** Sends commands one at a time (the JDK client refuses overlapping sends) and reconnects. */
    private final ClientConnection connection;
    private volatile boolean closed;
    private volatile Instant lostAt;
    private Consumer<MonitorFrame> documents;
    private Consumer<FeedStatus> status;

    /**
     * @param uri   the monitor endpoint, {@code ws://host:port/monitor}
     * @param token a JWT with role viewer or operator
     */
    public RemoteFeed(URI uri, String token) {
        this.uri = Objects.requireNonNull(uri, "uri must not be null");
        this.token = Objects.requireNonNull(token, "token must not be null");
        this.connection = ClientConnection.builder(client)
                .connectTimeout(Duration.ofSeconds(5))
                .maxQueuedSends(MAX_QUEUED_COMMANDS)
                .reconnect(FIRST_RETRY, LAST_RETRY, scheduler, down -> refusedToken(down) == 0)
                .listener(new Listener())
                .build();
    }

    @Override
    public String source() {
        return "remote " + uri;
    }

    @Override
    public void start(Consumer<MonitorFrame> documentSink, Consumer<FeedStatus> statusSink) {
        this.documents = documentSink;
        this.status = statusSink;
        scheduler.execute(() -> connection.open(new ClientConnection.Target(uri, token)));
    }

    /** The HTTP status with which the router refused the token (401 or 403), or 0. */
    private static int refusedToken(ClientConnection.Down down) {
        if (down.cause() == ClientConnection.Cause.CONNECT_FAILED
                && down.rootFailure() instanceof WebSocketHandshakeException refused) {
            int code = refused.getResponse().statusCode();
            return code == 401 || code == 403 ? code : 0;
        }
        return 0;
    }

    private static String why(ClientConnection.Down down) {
        return switch (down.cause()) {
            case CLOSED -> "closed by the router (" + down.statusCode() + ")";
            case BROKEN -> down.failure().getMessage() == null ? "connection failed" : down.failure().getMessage();
            case CONNECT_FAILED -> down.rootFailure().getMessage() != null ? down.rootFailure().getMessage()
                    : down.rootFailure() instanceof java.net.ConnectException ? "cannot connect (nothing listening?)"
                    : down.rootFailure().getClass().getSimpleName();
        };
    }

    /** The connection went down; it reconnects by itself. */
    private void disconnected(String why) {
        failPending();
        Instant now = Instant.now();
        if (lostAt == null) {
            lostAt = now;
        }
        FeedStatus.State state = Duration.between(lostAt, now).compareTo(LOST_AFTER) >= 0
                ? FeedStatus.State.LOST : FeedStatus.State.RECONNECTING;
        status.accept(new FeedStatus(state, lostAt, why, connection.nextRetryAt()));
    }

    private void failPending() {
        pending.values().forEach(future -> future.completeExceptionally(new IllegalStateException("disconnected")));
        pending.clear();
    }

    @Override
    public CompletionStage<ObjectNode> command(JsonNode command) {
        if (!connection.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
        }
        String id = "console-" + commandIds.incrementAndGet();
        ObjectNode copy = command.deepCopy();
        copy.put("message_id", id);
        CompletableFuture<ObjectNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        connection.send(copy.toString()).whenComplete((sent, failure) -> {
            if (failure != null) {
                reply.completeExceptionally(failure);
            }
        });
        return reply.orTimeout(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((result, failure) -> pending.remove(id));
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
        if (MonitorFrames.isFrame(text)) {
            // the feed itself (no command's answer): straight into records, without a tree in between
            MonitorFrame frame = MonitorFrames.readFrame(text);
            if (frame != null) {
                documents.accept(frame);
            }
            return;
        }
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

    private final class Listener implements ClientConnection.Listener {
        @Override
        public void onOpen() {
            lostAt = null;
            status.accept(FeedStatus.connectedNow(uri.toString()));
        }

        @Override
        public void onText(String text) {
            received(text);
        }

        @Override
        public void onDown(ClientConnection.Down down) {
            if (closed) {
                return;
            }
            int refused = refusedToken(down);
            if (refused != 0) {
                status.accept(new FeedStatus(FeedStatus.State.REFUSED, Instant.now(),
                        "the router refused the token (HTTP " + refused + ")"));
            } else {
                disconnected(why(down));
            }
        }
    }

    /** This router's monitor, with the token the feed uses now. */
    @Override
    public RecordingSource recordingSource() {
        return new RecordingSource.Monitors(java.util.List.of(uri), token);
    }

    @Override
    public boolean useToken(String newToken) {
        token = Objects.requireNonNull(newToken, "token must not be null");
        if (!closed) {
            scheduler.execute(() -> connection.open(new ClientConnection.Target(uri, newToken)));
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        connection.abort();
        failPending();
        scheduler.shutdownNow();
    }
}
