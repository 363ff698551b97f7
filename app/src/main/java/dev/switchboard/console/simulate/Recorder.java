package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records real traffic from routers' monitors into a {@link Recording}: sends {@code record start}
 * on each monitor connection (with an operator's token), gathers the {@code recording} frames and
 * the routers' closes from the updates, and on {@link #stop()} sends {@code record stop}, waits for
 * every {@code recording_ended} and builds the recording (user ids mapped to {@code rec-N} unless
 * kept). A cluster's other nodes are recorded too when the first monitor lists them. No JavaFX: the
 * {@code simulate record} CLI and the console share it.
 */
public final class Recorder implements AutoCloseable {
    /** Entries kept at most: a recording beyond it stops gathering and says so. */
    static final int MAX_ENTRIES = 2_000_000;
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
            if (duration.toMillis() < 1_000 || duration.toMillis() > 3_600_000) {
                throw new IllegalArgumentException("duration must be from 1 s to 1 h");
            }
        }
    }

    /** What was gathered so far. */
    public record Progress(int nodes, long entries, int users, long dropped, boolean ended) {
    }

    private final Options options;
    private final ExecutorService io = Executors.newFixedThreadPool(1, runnable -> {
        Thread thread = new Thread(runnable, "recorder-io");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder().executor(io).build();
    private final List<Node> nodes = new ArrayList<>();
    private final Set<URI> asked = new LinkedHashSet<>();
    private final Set<String> nodeIds = new java.util.HashSet<>();
    private final List<JsonNode> entries = new ArrayList<>();
    private final Set<String> usersSeen = new LinkedHashSet<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private long dropped;
    private long closedByRouter;
    private boolean full;
    private volatile Instant startedAt;

    public Recorder(Options options) {
        this.options = Objects.requireNonNull(options, "options must not be null");
    }

    /** One monitor connection recording. */
    private final class Node implements ClientConnection.Listener {
        final URI uri;
        final ClientConnection connection;
        final CompletableFuture<Void> recording = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final String startId = "record-" + ids.incrementAndGet();
        /** Another URL of a node already recorded: closed at once, not recorded twice. */
        volatile boolean duplicate;

        Node(URI uri) {
            this.uri = uri;
            this.connection = ClientConnection.builder(client).connectTimeout(CONNECT_TIMEOUT).listener(this).build();
        }

        @Override
        public void onText(String text) {
            JsonNode frame;
            try {
                frame = MAPPER.readTree(text);
            } catch (java.io.IOException e) {
                return;
            }
            switch (frame.path("type").asText()) {
                case "monitor_snapshot" -> snapshot(this, frame);
                case "monitor_update" -> update(frame);
                case "recording" -> gather(frame);
                case "recording_ended" -> {
                    gather(frame);
                    ended.complete(null);
                }
                case "command_result" -> {
                    if (frame.path("reply_to").asText().equals(startId)) {
                        recording.complete(null);
                    }
                }
                case "error" -> {
                    if (frame.path("reply_to").asText().equals(startId)) {
                        recording.completeExceptionally(new IllegalStateException(uri + " refused to record: "
                                + frame.path("code").asText() + ": " + frame.path("message").asText()));
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
    }

    /**
     * Connects and starts recording on every monitor (and, following the cluster, on every member the
     * first one lists); completes once each has confirmed, or fails with the first refusal.
     */
    public CompletableFuture<Void> start() {
        startedAt = Instant.now();
        options.monitors().forEach(this::record);
        return started;
    }

    private synchronized void record(URI uri) {
        if (!asked.add(uri)) {
            return;
        }
        Node node = new Node(uri);
        nodes.add(node);
        node.connection.open(new ClientConnection.Target(uri, options.token()));
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

    private void snapshot(Node node, JsonNode snapshot) {
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
                .put("action", "start").put("keep_content", options.keepContent())
                .put("for_ms", options.duration().toMillis()).toString());
    }

    private synchronized void update(JsonNode update) {
        for (JsonNode event : update.path("events")) {
            if (event.path("kind").asText().equals("connection_closed")
                    && event.path("closed_by").asText().equals("router")) {
                closedByRouter++;
            }
        }
    }

    private synchronized void gather(JsonNode frame) {
        dropped += frame.path("dropped").asLong();
        for (JsonNode entry : frame.path("entries")) {
            if (entries.size() >= MAX_ENTRIES) {
                full = true;
                dropped++;
                continue;
            }
            entries.add(entry);
            if (entry.path("kind").asText().equals("message") || entry.path("kind").asText().equals("unparsed")) {
                usersSeen.add(entry.path("user_id").asText());
            }
        }
    }

    /** Where it is. */
    public synchronized Progress progress() {
        return new Progress(nodes.size(), entries.size(), usersSeen.size(), dropped,
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
            if (!node.ended.isDone() && node.connection.isOpen()) {
                node.connection.send(MAPPER.createObjectNode().put("type", "record")
                        .put("message_id", "record-" + ids.incrementAndGet()).put("action", "stop").toString());
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
            return build(all.stream().filter(node -> !node.duplicate).map(node -> node.uri.toString()).toList());
        }
    }

    /** Whether more entries came than a recording keeps (the rest were counted as dropped). */
    public synchronized boolean full() {
        return full;
    }

    private Recording build(List<String> sources) {
        long durationMs = Math.max(1, Duration.between(startedAt, Instant.now()).toMillis());
        List<JsonNode> ordered = new ArrayList<>(entries);
        if (sources.size() > 1) {
            // several nodes' entries interleave by when each router saw them (one node's come in its order)
            ordered.sort(java.util.Comparator.comparing(entry -> Instant.parse(entry.path("at").asText())));
        }
        RecordingBook book = new RecordingBook(startedAt, options.keepUserIds());
        ordered.forEach(book::add);
        return new Recording(startedAt.toString(), durationMs, sources, options.keepUserIds() ? "kept" : "mapped",
                options.keepContent() ? "kept" : "masked", dropped, book.users(), book.original(closedByRouter));
    }

    /** Closes every monitor connection. */
    @Override
    public void close() {
        List<Node> all;
        synchronized (this) {
            all = List.copyOf(nodes);
        }
        CompletableFuture.allOf(all.stream().map(node -> node.connection.closeCleanly("recording over",
                Duration.ofSeconds(2))).toArray(CompletableFuture[]::new)).orTimeout(3, TimeUnit.SECONDS)
                .exceptionally(failure -> null).join();
        io.shutdownNow();
    }

    /** The entries, sorted into users, steps and the original's figures. */
    private static final class RecordingBook {
        private final Instant start;
        private final boolean keepUserIds;
        private final Map<String, String> userIds = new LinkedHashMap<>();
        private final Map<String, Map<String, Integer>> connections = new LinkedHashMap<>();
        private final Map<String, List<Recording.Step>> steps = new LinkedHashMap<>();
        private final Map<String, List<String>> runs = new LinkedHashMap<>();
        private final Map<String, long[]> sent = new java.util.TreeMap<>();
        private final Map<String, Map<String, Long>> errors = new java.util.TreeMap<>();
        private final Map<String, Long> runFigures = new java.util.TreeMap<>();
        private final Map<String, String> threadIds = new java.util.HashMap<>();
        private long messageIds;

        RecordingBook(Instant start, boolean keepUserIds) {
            this.start = start;
            this.keepUserIds = keepUserIds;
        }

        void add(JsonNode entry) {
            String user = entry.path("user_id").asText();
            switch (entry.path("kind").asText()) {
                case "message", "unparsed" -> step(user, entry);
                case "error" -> {
                    String type = entry.path("type").asText();
                    String key = type.equals("invalid") ? VirtualUser.UNPARSED : type; // refused before it had a type
                    errors.computeIfAbsent(key, k -> new java.util.TreeMap<>())
                            .merge(entry.path("code").asText(), 1L, Long::sum);
                }
                case "run_started" -> {
                    runs.computeIfAbsent(user, k -> new ArrayList<>()).add(entry.path("run_id").asText());
                    runFigures.merge("started", 1L, Long::sum);
                }
                case "run_ended" -> runFigures.merge(entry.path("status").asText(), 1L, Long::sum);
                default -> {
                }
            }
        }

        private void step(String user, JsonNode entry) {
            String id = userIds.computeIfAbsent(user, key -> keepUserIds ? key : "rec-" + (userIds.size() + 1));
            int connection = connections.computeIfAbsent(user, key -> new LinkedHashMap<>())
                    .computeIfAbsent(entry.path("connection_id").asText(), key -> connections.get(user).size());
            long at = Math.max(0, Duration.between(start, Instant.parse(entry.path("at").asText())).toMillis());
            JsonNode message = entry.get("message");
            Integer run = null;
            String type = VirtualUser.UNPARSED;
            if (Recording.typeOf(message) != null) {
                type = Recording.typeOf(message);
                if (!keepUserIds) {
                    message = anonymous((com.fasterxml.jackson.databind.node.ObjectNode) message);
                }
                String runId = message.path("payload").path("run_id").asText(message.path("run_id").asText(""));
                int ordinal = runs.getOrDefault(user, List.of()).indexOf(runId);
                run = runId.isEmpty() || ordinal < 0 ? null : ordinal + 1;
            }
            boolean parsed = Recording.typeOf(message) != null;
            steps.computeIfAbsent(id, key -> new ArrayList<>()).add(new Recording.Step(at, connection,
                    parsed ? message : null, parsed ? null : entry.path("chars").asInt(1),
                    parsed ? null : entry.get("value"), run));
            sent.computeIfAbsent(type, key -> new long[1])[0]++;
        }

        /**
         * The message with ids that could name its user (clients often build message and thread ids
         * from the user id) replaced: {@code m-N} and {@code t-N}, each thread always the same; an
         * id the router refused stays as refused (same length, no content).
         */
        private com.fasterxml.jackson.databind.node.ObjectNode anonymous(
                com.fasterxml.jackson.databind.node.ObjectNode message) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = message.deepCopy();
            JsonNode messageId = copy.get("message_id");
            if (messageId != null && messageId.isTextual()) {
                copy.put("message_id", dev.switchboard.router.protocol.WireId.isValid(messageId.textValue())
                        ? "m-" + (++messageIds) : "x".repeat(messageId.textValue().length()));
            }
            JsonNode threadId = copy.get("thread_id");
            if (threadId != null && threadId.isTextual()) {
                copy.put("thread_id", dev.switchboard.router.protocol.WireId.isValid(threadId.textValue())
                        ? threadIds.computeIfAbsent(threadId.textValue(), key -> "t-" + (threadIds.size() + 1))
                        : "x".repeat(threadId.textValue().length()));
            }
            return copy;
        }

        List<Recording.User> users() {
            List<Recording.User> users = new ArrayList<>();
            userIds.forEach((original, id) -> users.add(new Recording.User(id, connections.get(original).size(),
                    steps.get(id))));
            return users;
        }

        Recording.Original original(long closedByRouter) {
            Map<String, Recording.TypeFigures> byType = new java.util.TreeMap<>();
            Set<String> types = new java.util.TreeSet<>(sent.keySet());
            types.addAll(errors.keySet());
            for (String type : types) {
                byType.put(type, new Recording.TypeFigures(sent.containsKey(type) ? sent.get(type)[0] : 0,
                        errors.getOrDefault(type, Map.of())));
            }
            return new Recording.Original(byType, runFigures, closedByRouter);
        }
    }
}
