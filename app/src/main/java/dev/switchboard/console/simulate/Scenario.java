package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * What a simulation does: one or more groups of virtual users, each with its own count, ramp-up,
 * think time, message mix and expectations, run for a duration or a message count. Read from JSON
 * (see {@code src/docs/performance.md} for the format); unknown keys are refused so a typo never
 * silently changes a test.
 *
 * @param name        shown in progress lines and reports
 * @param description what the scenario is for
 * @param durationMs  how long users send (0: until every user has sent {@code messages_per_user})
 * @param drainMs     after sending stops, how long to wait for outstanding replies and runs
 * @param groups      the user groups, at least one (a replay's one group holds its users' expectations)
 * @param replay      a recording replayed instead of the groups' mix, or null
 */
public record Scenario(String name, String description, long durationMs, long drainMs, List<Group> groups,
                       Replay replay) {

    /** Message types the simulator can send, each with the reply it expects (null: none). */
    public static final Map<String, String> REPLIES = Map.ofEntries(
            Map.entry("user_message", "message_ack"),
            Map.entry("start_agent", "message_ack"),
            Map.entry("ping", "pong"),
            Map.entry("heartbeat", "heartbeat_ack"),
            Map.entry("validate_content", "validation_result"),
            Map.entry("get_quality_metrics", "quality_metrics"),
            Map.entry("generate_quality_report", "quality_report"),
            Map.entry("subscribe_quality_alerts", "subscription_ack"),
            Map.entry("typing", ""));

    public Scenario {
        groups = List.copyOf(groups);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a scenario needs at least one group of users");
        }
        if (durationMs < 0 || drainMs < 0) {
            throw new IllegalArgumentException("duration_ms and drain_ms must not be negative");
        }
        if (durationMs <= 0 && groups.stream().anyMatch(group -> group.messagesPerUser() <= 0)) {
            throw new IllegalArgumentException("set duration_ms, or messages_per_user for every group");
        }
    }

    /** A scenario of groups sending their mix. */
    public Scenario(String name, String description, long durationMs, long drainMs, List<Group> groups) {
        this(name, description, durationMs, drainMs, groups, null);
    }

    /** Every virtual user across the groups. */
    public int totalUsers() {
        return groups.stream().mapToInt(Group::users).sum();
    }

    /** Every virtual user's id, in the order they are started (a replay's: the recording's, cloned). */
    public List<String> userIds() {
        List<String> ids = new java.util.ArrayList<>();
        if (replay != null) {
            for (Recording.User user : replay.recording().users()) {
                for (int clone = 0; clone < replay.usersScale(); clone++) {
                    ids.add(replay.userId(user, clone));
                }
            }
            return ids;
        }
        for (Group group : groups) {
            for (int i = 0; i < group.users(); i++) {
                ids.add(group.userPrefix() + "-" + i);
            }
        }
        return ids;
    }

    /**
     * This recording's scenario replayed {@code speed} times as fast (2: in half the time), each
     * recorded user cloned {@code usersScale} times.
     *
     * @throws IllegalStateException when this scenario is no recording
     */
    public Scenario replayed(double speed, int usersScale) {
        if (replay == null) {
            throw new IllegalStateException("scenario " + name + " is no recording: --speed and --users-scale replay"
                    + " recordings only");
        }
        return of(name, description, drainMs, new Replay(replay.recording(), speed, usersScale));
    }

    /** The scenario that replays {@code replay}: sending for the recording's time at its speed. */
    static Scenario of(String name, String description, long drainMs, Replay replay) {
        Recording recording = replay.recording();
        if (recording.users().isEmpty()) {
            throw new IllegalArgumentException("the recording holds no traffic: nothing to replay");
        }
        int users = Math.max(1, recording.users().size() * replay.usersScale());
        long closed = recording.original().connectionsClosedByRouter() * replay.usersScale();
        Group group = new Group("replay", users, 1, 0, 0, new ThinkTime("fixed", 1_000, 0, 1_000),
                Map.of("user_message", 1), false, "rec", 0, recording.errorCodes(), 0,
                (int) Math.min(Integer.MAX_VALUE, closed));
        return new Scenario(name, description, Math.max(1, (long) Math.ceil(recording.durationMs() / replay.speed())),
                drainMs, List.of(group), replay);
    }

    /**
     * A recording as replayed.
     *
     * @param speed      how much faster than recorded (0.01 to 1,000; 1: as recorded)
     * @param usersScale how many times each recorded user is cloned (1 to 1,000), each clone with
     *                   its own id ({@code <id>.<k>} when more than one)
     */
    public record Replay(Recording recording, double speed, int usersScale) {
        public Replay {
            java.util.Objects.requireNonNull(recording, "recording must not be null");
            if (!(speed >= 0.01 && speed <= 1_000)) {
                throw new IllegalArgumentException("speed must be from 0.01 to 1000");
            }
            if (usersScale < 1 || usersScale > 1_000) {
                throw new IllegalArgumentException("users-scale must be from 1 to 1000");
            }
            for (Recording.User user : recording.users()) {
                if (!dev.switchboard.router.auth.Principal.isValidUserId(userId(user, usersScale - 1))) {
                    throw new IllegalArgumentException("users-scale " + usersScale + " makes '" + userId(user,
                            usersScale - 1) + "' of recorded user '" + user.userId() + "', no valid user id (1 to 64"
                            + " characters of [A-Za-z0-9._@-])");
                }
            }
        }

        /** The id of clone {@code clone} (0-based) of {@code user}. */
        public String userId(Recording.User user, int clone) {
            return usersScale == 1 ? user.userId() : user.userId() + "." + (clone + 1);
        }
    }

    /**
     * A group of alike users.
     *
     * @param name               shown in reports
     * @param users              how many
     * @param connectionsPerUser connections each user holds (events go to all of them)
     * @param rampUpMs           users connect evenly spread over this time
     * @param messagesPerUser    each user stops after this many (0: until the duration ends)
     * @param thinkTime          pause before each message
     * @param mix                message type → weight
     * @param reconnect          reconnect a connection the router closed
     * @param userPrefix         user ids are {@code <prefix>-<n>}
     * @param contentChars       length of the content of user messages and validations
     * @param expectedErrors     error codes this group is expected to get (others fail the check)
     * @param maxConnectionFailures handshakes or connections allowed to fail
     * @param maxConnectionsClosed  connections the router may close (messages and runs on them are
     *                              counted as interrupted)
     */
    public record Group(String name, int users, int connectionsPerUser, long rampUpMs, int messagesPerUser,
                        ThinkTime thinkTime, Map<String, Integer> mix, boolean reconnect, String userPrefix,
                        int contentChars, Set<String> expectedErrors, int maxConnectionFailures,
                        int maxConnectionsClosed) {

        public Group {
            mix = Map.copyOf(mix);
            expectedErrors = Set.copyOf(expectedErrors);
            if (users < 1 || connectionsPerUser < 1) {
                throw new IllegalArgumentException("group " + name + ": users and connections_per_user must be at least 1");
            }
            if (rampUpMs < 0 || messagesPerUser < 0 || contentChars < 0 || maxConnectionFailures < 0
                    || maxConnectionsClosed < 0) {
                throw new IllegalArgumentException("group " + name + ": ramp_up_ms, messages_per_user, content_chars and"
                        + " the expect limits must not be negative");
            }
            for (String code : expectedErrors) {
                if (java.util.Arrays.stream(dev.switchboard.router.protocol.ErrorCode.values())
                        .noneMatch(known -> known.wire().equals(code))) {
                    throw new IllegalArgumentException("group " + name + ": expect.errors holds '" + code
                            + "', which is no error code of the protocol");
                }
            }
            if (mix.isEmpty() || mix.values().stream().anyMatch(weight -> weight < 0)
                    || mix.values().stream().mapToInt(Integer::intValue).sum() == 0) {
                throw new IllegalArgumentException("group " + name + ": mix needs at least one positive weight");
            }
            if (!dev.switchboard.router.auth.Principal.isValidUserId(userPrefix + "-" + (users - 1))) {
                throw new IllegalArgumentException("group " + name + ": user ids '" + userPrefix + "-<n>' must be 1 to 64"
                        + " characters of [A-Za-z0-9._@-]; set user_prefix");
            }
            for (String type : mix.keySet()) {
                if (!REPLIES.containsKey(type)) {
                    throw new IllegalArgumentException("group " + name + ": the simulator cannot send '" + type
                            + "' (it can send " + new java.util.TreeSet<>(REPLIES.keySet()) + ")");
                }
            }
        }

        /** The same group with {@code count} users. */
        public Group withUsers(int count) {
            return new Group(name, count, connectionsPerUser, rampUpMs, messagesPerUser, thinkTime, mix, reconnect,
                    userPrefix, contentChars, expectedErrors, maxConnectionFailures, maxConnectionsClosed);
        }

        /** Picks a message type by weight. */
        public String pick(RandomGenerator random) {
            int total = mix.values().stream().mapToInt(Integer::intValue).sum();
            int roll = random.nextInt(total);
            for (Map.Entry<String, Integer> entry : new java.util.TreeMap<>(mix).entrySet()) {
                roll -= entry.getValue();
                if (roll < 0) {
                    return entry.getKey();
                }
            }
            throw new IllegalStateException("unreachable: weights sum to " + total);
        }
    }

    /**
     * Pause before each message.
     *
     * @param distribution {@code fixed} (always the mean), {@code uniform} (min … max) or
     *                     {@code exponential} (mean, clamped to min … max)
     */
    public record ThinkTime(String distribution, long meanMs, long minMs, long maxMs) {

        public ThinkTime {
            if (!Set.of("fixed", "uniform", "exponential").contains(distribution)) {
                throw new IllegalArgumentException("think_time.distribution must be fixed, uniform or exponential");
            }
            if (minMs < 0 || maxMs < minMs || meanMs < 0) {
                throw new IllegalArgumentException("think_time needs 0 <= min_ms <= max_ms and mean_ms >= 0");
            }
        }

        /** The next pause in milliseconds. */
        public long nextMs(RandomGenerator random) {
            return switch (distribution) {
                case "fixed" -> meanMs;
                case "uniform" -> minMs + (maxMs == minMs ? 0 : random.nextLong(maxMs - minMs + 1));
                default -> Math.max(minMs, Math.min(maxMs, Math.round(-meanMs * Math.log(1 - random.nextDouble()))));
            };
        }
    }

    /**
     * Reads a scenario file: an unknown key, a value of the wrong type or out of range is an
     * {@link IllegalArgumentException} naming the file and the key's path.
     */
    public static Scenario read(Path file) throws IOException {
        try {
            return ScenarioFile.parse(Files.readString(file), file.getFileName().toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a scenario from its JSON; {@code fallbackName} names it when the JSON does not. */
    public static Scenario parse(JsonNode json, String fallbackName) {
        return ScenarioFile.parse(json, fallbackName);
    }
}
