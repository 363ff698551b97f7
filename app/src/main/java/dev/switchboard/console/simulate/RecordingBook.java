package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sorts a router's recording entries into a {@link Recording}: per user its frames in order, with
 * their times from the recording's start, the connection each went on and the run each names, and
 * the original's figures (frames and errors per type, runs per status, connections the router
 * closed). User ids become {@code rec-N} and every id that could name a user is replaced unless
 * ids are kept. Used by {@link Recorder} and for the traffic a saved console session kept.
 */
final class RecordingBook {
    /**
     * An entry the console adds to what it keeps for a session (the routers send none of this
     * kind): a connection the router closed, at {@code at}, from the monitor's updates.
     */
    static final String CLOSED_BY_ROUTER = "connection_closed_by_router";

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
    /** The type of each message recorded, by its user and {@code message_id}: what its errors answered. */
    private final Map<String, String> messageTypes = new java.util.HashMap<>();
    private long messageIds;
    private long rpcIds;
    private long closedByRouter;

    private RecordingBook(Instant start, boolean keepUserIds) {
        this.start = start;
        this.keepUserIds = keepUserIds;
    }

    /**
     * The recording of {@code entries}.
     *
     * @param start          when the recording starts, on the routers' clock (the entries' times are on it)
     * @param seenMs         how long it was recorded; the recording lasts at least until its last message
     * @param entries        the routers' entries, each node's in its order
     * @param sources        where they came from; with more than one, the entries are interleaved by time
     * @param keepUserIds    keep the users' ids instead of {@code rec-N}
     * @param content        {@code masked} or {@code kept}, as the routers were asked
     * @param dropped        entries the recording misses
     * @param closedByRouter connections the router closed, beyond the {@link #CLOSED_BY_ROUTER} entries
     */
    static Recording build(Instant start, long seenMs, List<JsonNode> entries, List<String> sources,
                           boolean keepUserIds, String content, long dropped, long closedByRouter) {
        List<JsonNode> ordered = entries;
        if (sources.size() > 1) {
            // several nodes' entries interleave by when each router saw them (one node's come in its order)
            ordered = new ArrayList<>(entries);
            ordered.sort(java.util.Comparator.comparing(entry -> Instant.parse(entry.path("at").asText())));
        }
        return sorted(start, seenMs, ordered, sources, keepUserIds, content, dropped, closedByRouter);
    }

    /**
     * The recording of entries kept as JSON text (a console session's), ordered by their time (a
     * cluster's nodes' interleave; entries of the same time keep their order), each read when it is
     * added, so that no more than one is a tree at a time beyond what the recording keeps.
     *
     * @throws IllegalArgumentException   for an entry that is no JSON
     * @throws java.time.DateTimeException for an entry without a valid {@code at}
     */
    static Recording fromText(Instant start, long seenMs, List<String> entries, List<String> sources,
                              boolean keepUserIds, String content, long dropped) {
        Instant[] times = new Instant[entries.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = Instant.parse(read(entries.get(i)).path("at").asText());
        }
        List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, times.length).boxed().toList());
        order.sort(java.util.Comparator.comparing(i -> times[i])); // stable: equal times keep their order
        Iterable<JsonNode> ordered = () -> order.stream().map(i -> read(entries.get(i))).iterator();
        return sorted(start, seenMs, ordered, sources, keepUserIds, content, dropped, 0);
    }

    private static JsonNode read(String entry) {
        try {
            return dev.switchboard.router.protocol.Json.mapper().readTree(entry);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("an entry is no JSON: " + e.getMessage(), e);
        }
    }

    /** The recording of entries in their order. */
    private static Recording sorted(Instant start, long seenMs, Iterable<JsonNode> ordered, List<String> sources,
                                    boolean keepUserIds, String content, long dropped, long closedByRouter) {
        RecordingBook book = new RecordingBook(start, keepUserIds);
        ordered.forEach(book::add);
        List<Recording.User> users = book.users();
        long lastAt = users.stream().flatMap(user -> user.messages().stream()).mapToLong(Recording.Step::atMs).max()
                .orElse(0);
        return new Recording(start.toString(), Math.max(lastAt + 1, seenMs), sources,
                keepUserIds ? "kept" : "mapped", content, dropped, users, book.original(closedByRouter));
    }

    private void add(JsonNode entry) {
        String user = entry.path("user_id").asText();
        switch (entry.path("kind").asText()) {
            case "message", "unparsed" -> step(user, entry);
            case "error" -> {
                // the message it answered, by its id, as the replay tells them apart; else as the router
                // said ("invalid": refused before it had a type; "agent_run": a run's; a JSON-RPC method)
                String type = entry.path("type").asText();
                String answered = entry.hasNonNull("message_id")
                        ? messageTypes.get(user + "\n" + entry.path("message_id").asText()) : null;
                String key = answered != null ? answered : type.equals("invalid") ? VirtualUser.UNPARSED : type;
                errors.computeIfAbsent(key, k -> new java.util.TreeMap<>())
                        .merge(entry.path("code").asText(), 1L, Long::sum);
            }
            case "run_started" -> {
                runs.computeIfAbsent(user, k -> new ArrayList<>()).add(entry.path("run_id").asText());
                runFigures.merge("started", 1L, Long::sum);
            }
            case "run_ended" -> runFigures.merge(entry.path("status").asText(), 1L, Long::sum);
            case CLOSED_BY_ROUTER -> closedByRouter++;
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
            remember(user, message, type);
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

    /** The types of a message and, for a batch, of its elements, by their ids. */
    private void remember(String user, JsonNode message, String type) {
        if (message.path("message_id").isTextual()) {
            messageTypes.put(user + "\n" + message.path("message_id").textValue(), type);
        }
        if (type.equals("batch")) {
            for (JsonNode inner : message.path("payload").path("messages")) {
                if (inner.path("message_id").isTextual() && inner.path("type").isTextual()) {
                    messageTypes.put(user + "\n" + inner.path("message_id").textValue(), inner.path("type").textValue());
                }
            }
        }
    }

    /**
     * The message with every id that could name its user (clients often build message, thread and
     * request ids from the user id) replaced: {@code m-N}, {@code t-N} (each thread always the same),
     * a JSON-RPC request's text {@code id} {@code r-N}; a batch's elements too. An id the router
     * refused stays refused: blanks of the same length (outside the id rule, so refused the same way).
     */
    private com.fasterxml.jackson.databind.node.ObjectNode anonymous(
            com.fasterxml.jackson.databind.node.ObjectNode message) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = message.deepCopy();
        anonymize(copy);
        if (copy.path("type").asText().equals("batch")) {
            for (JsonNode inner : copy.path("payload").path("messages")) {
                if (inner instanceof com.fasterxml.jackson.databind.node.ObjectNode element) {
                    anonymize(element);
                }
            }
        }
        return copy;
    }

    private void anonymize(com.fasterxml.jackson.databind.node.ObjectNode message) {
        JsonNode messageId = message.get("message_id");
        if (messageId != null && messageId.isTextual()) {
            message.put("message_id", dev.switchboard.router.protocol.WireId.isValid(messageId.textValue())
                    ? "m-" + (++messageIds) : " ".repeat(messageId.textValue().length()));
        }
        thread(message);
        JsonNode payload = message.has("payload") ? message.get("payload") : message.get("params");
        if (payload instanceof com.fasterxml.jackson.databind.node.ObjectNode fields) {
            thread(fields);
        }
        JsonNode rpcId = message.get("id");
        if (message.has("jsonrpc") && rpcId != null && rpcId.isTextual()) {
            message.put("id", rpcId.textValue().length() <= 128 ? "r-" + (++rpcIds)
                    : " ".repeat(rpcId.textValue().length()));
        }
    }

    private void thread(com.fasterxml.jackson.databind.node.ObjectNode fields) {
        JsonNode threadId = fields.get("thread_id");
        if (threadId != null && threadId.isTextual()) {
            fields.put("thread_id", dev.switchboard.router.protocol.WireId.isValid(threadId.textValue())
                    ? threadIds.computeIfAbsent(threadId.textValue(), key -> "t-" + (threadIds.size() + 1))
                    : " ".repeat(threadId.textValue().length()));
        }
    }

    private List<Recording.User> users() {
        List<Recording.User> users = new ArrayList<>();
        userIds.forEach((original, id) -> users.add(new Recording.User(id, connections.get(original).size(),
                steps.get(id))));
        return users;
    }

    private Recording.Original original(long closedElsewhere) {
        Map<String, Recording.TypeFigures> byType = new java.util.TreeMap<>();
        Set<String> types = new java.util.TreeSet<>(sent.keySet());
        types.addAll(errors.keySet());
        for (String type : types) {
            byType.put(type, new Recording.TypeFigures(sent.containsKey(type) ? sent.get(type)[0] : 0,
                    errors.getOrDefault(type, Map.of())));
        }
        return new Recording.Original(byType, runFigures, closedByRouter + closedElsewhere);
    }
}
