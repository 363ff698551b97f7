package dev.switchboard.console.simulate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Real traffic recorded from a router's monitor ({@code simulate record}): per user, the frames it
 * sent in order with their times and the connection each went on, and what came of them on the
 * router (errors per type and code, runs per status), which a replay is compared with. The
 * {@code recording} key of a scenario file (see {@code src/docs/record-replay.md}).
 *
 * @param recordedAt   when the recording started (ISO-8601)
 * @param durationMs   how long it recorded
 * @param sources      the monitor endpoints recorded
 * @param userIds      {@code mapped} (to {@code rec-N}) or {@code kept}
 * @param content      {@code masked} (same-length filler, by the router) or {@code kept}
 * @param dropped      entries the router could not send (its recording queue was full, or the
 *                     recorder did not read fast enough): the recording misses that many
 * @param users        every user that sent a frame, in order of their first frame
 * @param original     what came of the frames on the recorded router
 */
public record Recording(String recordedAt, long durationMs, List<String> sources, String userIds, String content,
                        long dropped, List<User> users, Original original) {

    public Recording {
        sources = List.copyOf(sources);
        users = List.copyOf(users);
        if (durationMs < 1) {
            throw new IllegalArgumentException("recording.duration_ms must be at least 1");
        }
        if (original == null) {
            throw new IllegalArgumentException("recording.original is required");
        }
        for (User user : users) {
            if (!dev.switchboard.router.auth.Principal.isValidUserId(user.userId())) {
                throw new IllegalArgumentException("recording.users: '" + user.userId() + "' is no valid user id");
            }
            if (user.connections() < 1 || user.connections() > 64) {
                throw new IllegalArgumentException("recording.users[" + user.userId() + "].connections must be 1 to 64");
            }
            for (Step step : user.messages()) {
                if (step.atMs() < 0 || step.atMs() > durationMs || step.connection() < 0
                        || step.connection() >= user.connections()) {
                    throw new IllegalArgumentException("recording.users[" + user.userId() + "]: a message's at_ms must"
                            + " be from 0 to duration_ms and its connection below connections");
                }
                if ((step.message() == null) == (step.unparsedChars() == null)) {
                    throw new IllegalArgumentException("recording.users[" + user.userId() + "]: a message needs"
                            + " exactly one of message and unparsed_chars");
                }
                if (step.message() != null && typeOf(step.message()) == null) {
                    throw new IllegalArgumentException("recording.users[" + user.userId() + "]: a message must be a"
                            + " JSON object with a text type (or a JSON-RPC request with a text method)");
                }
            }
        }
    }

    /**
     * The recording of the traffic a console session kept: its users' frames from the session's
     * {@code from} to its {@code to} in the order of their times, user ids mapped to {@code rec-N}
     * unless kept, the content as the session kept it.
     *
     * @throws IllegalArgumentException   for an entry that is no JSON, or ids no recording allows
     * @throws java.time.DateTimeException for an entry without a valid {@code at}
     */
    public static Recording of(dev.switchboard.console.feed.SessionTraffic traffic, boolean keepUserIds) {
        return RecordingBook.fromText(traffic.from(), java.time.Duration.between(traffic.from(), traffic.to())
                .toMillis(), traffic.entries(), traffic.sources(), keepUserIds, traffic.content(), traffic.dropped());
    }

    /**
     * Writes the scenario file of this recording ({@code simulate --scenario} replays it): its
     * {@code name}, a description of where and when it was recorded and the recording.
     */
    public void write(java.nio.file.Path file, String name) throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ObjectNode scenario = dev.switchboard.router.protocol.Json.mapper()
                .createObjectNode().put("name", name)
                .put("description", String.format(java.util.Locale.ROOT, "recorded from %s at %s for %.0f s; user ids"
                        + " %s, content %s", String.join(", ", sources), recordedAt, durationMs / 1000.0, userIds,
                        content))
                .put("drain_ms", 10_000);
        scenario.set("recording", dev.switchboard.router.protocol.Json.mapper().valueToTree(this));
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        java.nio.file.Files.writeString(file, dev.switchboard.router.protocol.Json.writePretty(scenario) + "\n");
    }

    /**
     * A recorded message's type as the router counts it: its {@code type}, or a JSON-RPC request's
     * {@code method}; null for neither.
     */
    static String typeOf(JsonNode message) {
        if (message == null || !message.isObject()) {
            return null;
        }
        JsonNode type = message.path("type").isTextual() ? message.get("type") : message.get("method");
        return type != null && type.isTextual() ? type.textValue() : null;
    }

    /** Every message recorded. */
    public long messages() {
        return users.stream().mapToLong(user -> user.messages().size()).sum();
    }

    /** The error codes the recorded router sent, over every type. */
    public java.util.Set<String> errorCodes() {
        java.util.Set<String> codes = new TreeSet<>();
        original.byType().values().forEach(figures -> codes.addAll(figures.errors().keySet()));
        return codes;
    }

    /**
     * One recorded user.
     *
     * @param userId      its id in the recording ({@code rec-N} unless ids were kept)
     * @param connections how many connections it sent on
     * @param messages    what it sent, in order
     */
    public record User(String userId, int connections, List<Step> messages) {
        public User {
            messages = List.copyOf(messages);
        }
    }

    /**
     * One frame a user sent.
     *
     * @param atMs          when, from the recording's start
     * @param connection    which of the user's connections (0 … connections - 1, in order of first use)
     * @param message       the frame's JSON object, or null for a frame that was none
     * @param unparsedChars the length of a frame that was no JSON object with a type, else null
     * @param value         such a frame's JSON when it was valid JSON (masked unless content was
     *                      kept), sent as it is; null for text that was no JSON (sent as filler)
     * @param run           for a message naming a run ({@code stop_agent}): the ordinal (1, 2, …) of
     *                      that run among the user's runs, so that a replay names its own; else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(long atMs, int connection, JsonNode message, Integer unparsedChars, JsonNode value,
                       Integer run) {
    }

    /**
     * What came of the recorded frames.
     *
     * @param byType                  per message type ({@code (unparsed)} for frames that were no
     *                                message): frames sent and errors answered, by code
     * @param runs                    runs {@code started}, and ended by status
     * @param connectionsClosedByRouter connections the router closed while recording
     */
    public record Original(Map<String, TypeFigures> byType, Map<String, Long> runs, long connectionsClosedByRouter) {
        public Original {
            byType = Map.copyOf(byType);
            runs = Map.copyOf(runs);
        }
    }

    /**
     * One type's figures.
     *
     * @param sent   frames of the type
     * @param errors error frames answering them, by code
     */
    public record TypeFigures(long sent, Map<String, Long> errors) {
        public TypeFigures {
            errors = Map.copyOf(errors);
        }
    }
}
