package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.feed.RecordingSource;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.Router;
import dev.switchboard.router.monitor.EmbeddedRecording;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records real traffic into a {@link Recording}, from routers' monitors or from the router in this
 * process. Through a monitor it sends {@code record start} on each monitor connection (with an
 * operator's token), gathers the {@code recording} frames and the routers' closes from the updates,
 * and on {@link #stop} sends {@code record stop}; a cluster's other nodes are recorded too when
 * the first monitor lists them. The router in this process records through {@link Router#record}
 * instead, the same frames without a socket. Either way {@link #stop} waits for every
 * {@code recording_ended} and builds the recording (user ids mapped to {@code rec-N} unless kept).
 * No JavaFX: the {@code simulate record} CLI and the console share it.
 */
public final class Recorder implements AutoCloseable {
    /** Entries kept at most: a recording beyond it stops gathering and says so. */
    static final int MAX_ENTRIES = 500_000;
    /** The shortest recording. */
    public static final Duration SHORTEST = Duration.ofSeconds(1);
    /** The longest recording (the router's limit). */
    public static final Duration LONGEST = Duration.ofHours(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = Json.mapper();

    /**
     * What to record.
     *
     * @param monitors      the monitor endpoints, {@code ws://host:port/monitor}
     * @param token         an operator's token for them
     * @param duration      how long (1 s to 1 h): each router stops by itself then
     * @param keepUserIds   keep the users' ids instead of {@code rec-N}
     * @param keepContent   keep what users wrote instead of same-length filler (the router masks it)
     * @param followCluster record every node the first monitor lists as a member too
     */
    public record Options(List<URI> monitors, String token, Duration duration, boolean keepUserIds,
                          boolean keepContent, boolean followCluster) {
        public Options {
            monitors = List.copyOf(monitors);
            Objects.requireNonNull(token, "token must not be null");
            if (monitors.isEmpty()) {
                throw new IllegalArgumentException("no monitor URL given");
            }
            checkDuration(duration);
        }
    }

    /** What was gathered so far. */
    public record Progress(int nodes, long entries, int users, long dropped, boolean ended) {
    }

    /** What a console says when a router refuses a viewer's token. */
    public static final String FORBIDDEN = "cannot record: the router answered forbidden — recording needs a token"
            + " with role operator, and the console's token is a viewer's";

    /** Why a recording could not start, in words: a viewer's token is told what it needs. */
    public static String whyNot(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof Refused refused && refused.code().equals("forbidden")) {
            return FORBIDDEN;
        }
        return "cannot record: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }

    /** A router refused to record: its error {@code code} ({@code forbidden} for a viewer's token) and text. */
    public static final class Refused extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final String code;

        Refused(String where, String code, String message) {
            super(where + " refused to record: " + code + ": " + message);
            this.code = code;
        }

        /** The router's error code: {@code forbidden}, {@code unavailable}, {@code invalid_message}. */
        public String code() {
            return code;
        }
    }

    private final Options options;
    /** The router in this process to record, or null for monitors. */
    private final Router router;
    private final Duration duration;
    private final boolean keepUserIds;
    private final boolean keepContent;
    private final ExecutorService io = Executors.newFixedThreadPool(1, runnable -> {
        Thread thread = new Thread(runnable, "recorder-io");
        thread.setDaemon(true);
        return thread;
    });
    private HttpClient client;
    private final List<Node> nodes = new ArrayList<>();
    private final Set<URI> asked = new LinkedHashSet<>();
    private final Set<String> nodeIds = new java.util.HashSet<>();
    private final List<JsonNode> entries = new ArrayList<>();
    /** Where the entries go instead of {@link #entries}, or null ({@link #streamTo}). */
    private volatile java.util.function.Consumer<JsonNode> stream;
    private long gathered;
    private final Set<String> usersSeen = new LinkedHashSet<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private long dropped;
    private long closedByRouter;
    private boolean full;
    private volatile Instant startedAt;

    /** Records through the monitors of {@code options}. */
    public Recorder(Options options) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.router = null;
        this.duration = options.duration();
        this.keepUserIds = options.keepUserIds();
        this.keepContent = options.keepContent();
    }

    private Recorder(Router router, Duration duration, boolean keepUserIds, boolean keepContent) {
        this.options = null;
        this.router = Objects.requireNonNull(router, "router must not be null");
        this.duration = checkDuration(duration);
        this.keepUserIds = keepUserIds;
        this.keepContent = keepContent;
    }

    /**
     * Records the router running in this process, through {@link Router#record} (no socket, no
     * token: audited as the embedding process).
     *
     * @throws IllegalArgumentException for a duration outside 1 s to 1 h
     */
    public static Recorder inProcess(Router router, Duration duration, boolean keepUserIds, boolean keepContent) {
        return new Recorder(router, duration, keepUserIds, keepContent);
    }

    /**
     * Records what a console feed is attached to ({@code ConsoleFeed.recordingSource()}): the
     * router in this process, or the monitors it watches with its token (a cluster's nodes
     * followed).
     *
     * @throws IllegalArgumentException when the source has nothing to record (its reason as the
     *                                  message) or for a duration outside 1 s to 1 h
     */
    public static Recorder of(RecordingSource source, Duration duration, boolean keepUserIds, boolean keepContent) {
        Objects.requireNonNull(source, "source must not be null");
        if (source instanceof RecordingSource.InProcess here) {
            return inProcess(here.router(), duration, keepUserIds, keepContent);
        }
        if (source instanceof RecordingSource.Monitors monitors) {
            return new Recorder(new Options(monitors.monitors(), monitors.token(), duration, keepUserIds, keepContent,
                    true));
        }
        throw new IllegalArgumentException(((RecordingSource.Unavailable) source).why());
    }

    private static Duration checkDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration must not be null");
        if (duration.compareTo(SHORTEST) < 0 || duration.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("duration must be from 1 s to 1 h");
        }
        return duration;
    }

    /** How long it records at most. */
    public Duration duration() {
        return duration;
    }

    /** One router recording: its frames, whether it started and whether it ended. */
    private abstract class Node {
        final String source;
        final CompletableFuture<Void> recording = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        /** Another URL of a node already recorded: closed at once, not recorded twice. */
        volatile boolean duplicate;
        /** When the router started recording, on its own clock (the entries' times are on it too). */
        volatile Instant routerStart;

        Node(String source) {
            this.source = source;
        }

        /** Connects and starts recording. */
        abstract void open();

        /** Asks the router to stop; the rest of the entries and the end follow. */
        abstract void askToStop();

        /** Lets go of the router; completes once it did. */
        abstract CompletableFuture<Void> release();

        /** One frame from the router: its entries gathered, its end noted; true when the frame was one of those. */
        boolean recordingFrame(JsonNode frame) {
            switch (frame.path("type").asText()) {
                case "recording" -> gather(frame);
                case "recording_ended" -> {
                    gather(frame);
                    ended.complete(null);
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        static JsonNode parse(String text) {
            try {
                return MAPPER.readTree(text);
            } catch (java.io.IOException e) {
                return null;
            }
        }
    }

    /** One monitor connection recording. */
    private final class MonitorNode extends Node implements ClientConnection.Listener {
        final URI uri;
        final ClientConnection connection;
        final String startId = "record-" + ids.incrementAndGet();

        MonitorNode(URI uri) {
            super(uri.toString());
            this.uri = uri;
            this.connection = ClientConnection.builder(client()).connectTimeout(CONNECT_TIMEOUT).listener(this).build();
        }

        @Override
        void open() {
            connection.open(new ClientConnection.Target(uri, options.token()));
        }

        @Override
        public void onText(String text) {
            JsonNode frame = parse(text);
            if (frame == null || recordingFrame(frame)) {
                return;
            }
            switch (frame.path("type").asText()) {
                case "monitor_snapshot" -> snapshot(this, frame);
                case "monitor_update" -> update(frame);
                case "command_result" -> {
                    if (frame.path("reply_to").asText().equals(startId)) {
                        try {
                            routerStart = Instant.parse(frame.path("result").path("until").asText()).minus(duration);
                        } catch (java.time.format.DateTimeParseException e) {
                            routerStart = null; // an older router: the console's clock stands in
                        }
                        recording.complete(null);
                    }
                }
                case "error" -> {
                    if (frame.path("reply_to").asText().equals(startId)) {
                        recording.completeExceptionally(new Refused(uri.toString(), frame.path("code").asText(),
                                frame.path("message").asText()));
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void onDown(ClientConnection.Down down) {
            IllegalStateException why = new IllegalStateException(uri + ": " + (down.cause()
                    == ClientConnection.Cause.CONNECT_FAILED ? connection.describe(down.failure())
                    : "closed " + down.statusCode() + " " + down.reason()));
            recording.completeExceptionally(why);
            ended.complete(null); // what came before the close is kept
        }

        @Override
        void askToStop() {
            if (connection.isOpen()) {
                connection.send(MAPPER.createObjectNode().put("type", "record")
                        .put("message_id", "record-" + ids.incrementAndGet()).put("action", "stop").toString());
            }
        }

        @Override
        CompletableFuture<Void> release() {
            return connection.closeCleanly("recording over", Duration.ofSeconds(2));
        }
    }

    /** The router in this process recording, through {@link Router#record}. */
    private final class InProcessNode extends Node {
        private volatile EmbeddedRecording handle;
        private volatile RouterFeed.Subscription closes;

        InProcessNode() {
            super(router.clientUri() + " (in process)");
        }

        @Override
        void open() {
            try {
                // the router's closes, as a monitor's updates tell them
                closes = router.monitor().subscribe(update -> closedByRouter(update.events().stream()
                        .filter(event -> event instanceof MonitorEvent.ConnectionClosed closed
                                && "router".equals(closed.closedBy()))
                        .map(event -> String.valueOf(event.at() != null ? event.at() : Instant.now())).toList()));
                handle = router.record(keepContent, duration, text -> {
                    JsonNode frame = parse(text);
                    if (frame != null) {
                        recordingFrame(frame);
                    }
                });
            } catch (IllegalStateException | IllegalArgumentException e) {
                recording.completeExceptionally(new Refused("the router in this process",
                        e instanceof IllegalArgumentException ? "invalid_message" : "unavailable", e.getMessage()));
                ended.complete(null);
                return;
            }
            // the router stopping ends it too, without recording_ended
            handle.ended().whenComplete((reason, failure) -> ended.complete(null));
            routerStart = Instant.now(); // this process's clock is the router's
            recording.complete(null);
        }

        @Override
        void askToStop() {
            if (handle != null) {
                handle.stop();
            }
        }

        @Override
        CompletableFuture<Void> release() {
            if (handle != null) {
                handle.close();
            }
            if (closes != null) {
                closes.close();
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().executor(io).build();
        }
        return client;
    }

    /**
     * Hands every entry to {@code sink} as it comes (on the recorder's threads, in each router's
     * order), instead of keeping them for {@link #stop}, whose recording then holds none: for a
     * console session, which keeps the traffic within its own bound. A connection the router closed
     * comes as an entry of kind {@code connection_closed_by_router} with its {@code at}. Call before
     * {@link #start}.
     */
    public Recorder streamTo(java.util.function.Consumer<JsonNode> sink) {
        this.stream = Objects.requireNonNull(sink, "sink must not be null");
        return this;
    }

    /**
     * Connects and starts recording on every monitor (and, following the cluster, on every member the
     * first one lists), or on the router in this process; completes once each has confirmed, or
     * fails with the first refusal ({@link Refused}) or connection failure.
     */
    public CompletableFuture<Void> start() {
        startedAt = Instant.now();
        if (router != null) {
            Node node = new InProcessNode();
            synchronized (this) {
                nodes.add(node);
            }
            node.open();
            follow(node);
        } else {
            options.monitors().forEach(this::record);
        }
        return started;
    }

    private synchronized void record(URI uri) {
        if (!asked.add(uri)) {
            return;
        }
        Node node = new MonitorNode(uri);
        nodes.add(node);
        node.open();
        follow(node);
    }

    private void follow(Node node) {
        node.recording.whenComplete((ok, failure) -> {
            if (failure != null) {
                started.completeExceptionally(failure);
            } else if (allRecording()) {
                started.complete(null);
            }
        });
    }

    private synchronized boolean allRecording() {
        return nodes.stream().allMatch(node -> node.recording.isDone() && !node.recording.isCompletedExceptionally());
    }

    private void snapshot(MonitorNode node, JsonNode snapshot) {
        String nodeId = snapshot.path("node_id").asText();
        synchronized (this) {
            if (!nodeIds.add(nodeId)) {
                node.duplicate = true;
                node.recording.complete(null);
                node.ended.complete(null);
                node.connection.close("this node is recorded already");
                return;
            }
        }
        if (options.followCluster() && node == nodes.get(0)) {
            for (JsonNode member : snapshot.path("members")) {
                String url = member.path("monitor_url").asText("");
                if (!url.isEmpty() && member.path("state").asText().equals("up")
                        && !member.path("node_id").asText().equals(nodeId)) {
                    record(URI.create(url));
                }
            }
        }
        node.connection.send(MAPPER.createObjectNode().put("type", "record").put("message_id", node.startId)
                .put("action", "start").put("keep_content", keepContent)
                .put("for_ms", duration.toMillis()).toString());
    }

    private void update(JsonNode update) {
        List<String> closes = new ArrayList<>();
        for (JsonNode event : update.path("events")) {
            if (event.path("kind").asText().equals("connection_closed")
                    && event.path("closed_by").asText().equals("router")) {
                closes.add(event.path("at").asText(Instant.now().toString()));
            }
        }
        closedByRouter(closes);
    }

    /** Connections the router closed, by when (its clock): counted, or streamed as entries of their own. */
    private synchronized void closedByRouter(List<String> closes) {
        java.util.function.Consumer<JsonNode> sink = stream;
        if (sink == null) {
            closedByRouter += closes.size();
            return;
        }
        for (String at : closes) {
            sink.accept(MAPPER.createObjectNode().put("kind", RecordingBook.CLOSED_BY_ROUTER).put("at", at));
        }
    }

    private synchronized void gather(JsonNode frame) {
        dropped += frame.path("dropped").asLong();
        java.util.function.Consumer<JsonNode> sink = stream;
        for (JsonNode entry : frame.path("entries")) {
            if (sink != null) {
                sink.accept(entry);
            } else if (entries.size() >= MAX_ENTRIES) {
                full = true;
                dropped++;
                continue;
            } else {
                entries.add(entry);
            }
            gathered++;
            if (entry.path("kind").asText().equals("message") || entry.path("kind").asText().equals("unparsed")) {
                usersSeen.add(entry.path("user_id").asText());
            }
        }
    }

    /** Where it is. */
    public synchronized Progress progress() {
        return new Progress(nodes.size(), gathered, usersSeen.size(), dropped,
                nodes.stream().allMatch(node -> node.ended.isDone()));
    }

    /** Completes when every router ended its recording (by itself, when the duration ran out). */
    public synchronized CompletableFuture<Void> ended() {
        return CompletableFuture.allOf(nodes.stream().map(node -> node.ended).toArray(CompletableFuture[]::new));
    }

    /**
     * Asks every router to stop, waits up to {@code patience} for their last entries, and builds the
     * recording.
     */
    public Recording stop(Duration patience) {
        List<Node> all;
        synchronized (this) {
            all = List.copyOf(nodes);
        }
        for (Node node : all) {
            if (!node.ended.isDone()) {
                node.askToStop();
            }
        }
        try {
            ended().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // what arrived is kept; the entries missing are unknown, so say it in the description
        }
        synchronized (this) {
            return build(all.stream().filter(node -> !node.duplicate).map(node -> node.source).toList());
        }
    }

    /**
     * When the recording started on the routers' clock (the first router's start; the entries'
     * times are on it), or this process's clock when no router said.
     */
    public synchronized Instant routerStart() {
        return nodes.stream().map(node -> node.routerStart).filter(Objects::nonNull)
                .min(java.util.Comparator.naturalOrder()).orElse(startedAt);
    }

    /** The routers recorded: each node once, a cluster's followed members included. */
    public synchronized List<String> sources() {
        return nodes.stream().filter(node -> !node.duplicate).map(node -> node.source).toList();
    }

    /** Whether more entries came than a recording keeps (the rest were counted as dropped). */
    public synchronized boolean full() {
        return full;
    }

    private Recording build(List<String> sources) {
        // the entries' times are the routers': the recording starts when the first router started it
        return RecordingBook.build(routerStart(), Duration.between(startedAt, Instant.now()).toMillis(), entries, sources,
                keepUserIds, keepContent ? "kept" : "masked", dropped, closedByRouter);
    }

    /** Closes every monitor connection (ends a recording of the router in this process at once). */
    @Override
    public void close() {
        List<Node> all;
        synchronized (this) {
            all = List.copyOf(nodes);
        }
        CompletableFuture.allOf(all.stream().map(Node::release).toArray(CompletableFuture[]::new))
                .orTimeout(3, TimeUnit.SECONDS).exceptionally(failure -> null).join();
        io.shutdownNow();
    }
}
