package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A scenario file as written: read by Jackson into these records, failing on an unknown key, a value
 * of the wrong type (no {@code "5"} for 5, no {@code "fast"} for a number) or a missing array, with
 * the key's path in the message; {@link Scenario}'s records then check the ranges. A group's keys may
 * stand at the top level for a scenario of one group.
 */
record ScenarioFile(String name, String description, Long durationMs, Long drainMs, List<GroupFile> groups,
                    Integer users, Integer connectionsPerUser, Long rampUpMs, Integer messagesPerUser,
                    ThinkTimeFile thinkTime, Map<String, Integer> mix, Boolean reconnect, String userPrefix,
                    Integer contentChars, ExpectFile expect, Recording recording) {

    /** One group as written. */
    record GroupFile(String name, Integer users, Integer connectionsPerUser, Long rampUpMs, Integer messagesPerUser,
                     ThinkTimeFile thinkTime, Map<String, Integer> mix, Boolean reconnect, String userPrefix,
                     Integer contentChars, ExpectFile expect) {

        Scenario.Group toGroup(String fallbackName) {
            String groupName = name != null ? name : fallbackName;
            long mean = thinkTime != null && thinkTime.meanMs() != null ? thinkTime.meanMs() : 1_000;
            Scenario.ThinkTime think = new Scenario.ThinkTime(
                    thinkTime != null && thinkTime.distribution() != null ? thinkTime.distribution() : "exponential",
                    mean, thinkTime != null && thinkTime.minMs() != null ? thinkTime.minMs() : 0,
                    thinkTime != null && thinkTime.maxMs() != null ? thinkTime.maxMs() : Math.max(mean * 10, mean));
            Map<String, Integer> weights = mix != null ? new LinkedHashMap<>(mix) : Map.of("user_message", 1);
            return new Scenario.Group(groupName, or(users, 1), or(connectionsPerUser, 1), or(rampUpMs, 0L),
                    or(messagesPerUser, 0), think, weights, reconnect != null && reconnect,
                    userPrefix != null ? userPrefix : groupName, or(contentChars, 48),
                    expect != null && expect.errors() != null ? new LinkedHashSet<>(expect.errors()) : new LinkedHashSet<>(),
                    expect != null ? or(expect.maxConnectionFailures(), 0) : 0,
                    expect != null ? or(expect.maxConnectionsClosed(), 0) : 0);
        }
    }

    /** {@code think_time} as written. */
    record ThinkTimeFile(String distribution, Long meanMs, Long minMs, Long maxMs) {
    }

    /** {@code expect} as written. */
    record ExpectFile(List<String> errors, Integer maxConnectionFailures, Integer maxConnectionsClosed) {
    }

    private static final ObjectMapper MAPPER = strictMapper();

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // a number where text is due (or the reverse) is a mistake, not a value to convert
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }

    /** Reads scenario JSON; {@code IllegalArgumentException} with the offending key's path when it is wrong. */
    static Scenario parse(String json, String fallbackName) {
        try {
            return MAPPER.readValue(json, ScenarioFile.class).toScenario(fallbackName);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            // a record's own check (a recording's, say) refused what it was given: its words
            throw new IllegalArgumentException(e.getCause() != null ? e.getCause().getMessage() : describe(e), e);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(describe(e), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Scenario parse(JsonNode json, String fallbackName) {
        return parse(json.toString(), fallbackName);
    }

    private Scenario toScenario(String fallbackName) {
        String scenarioName = name != null ? name : fallbackName.replaceFirst("\\.json$", "");
        if (recording != null) {
            if (groups != null || users != null || connectionsPerUser != null || rampUpMs != null
                    || messagesPerUser != null || thinkTime != null || mix != null || reconnect != null
                    || userPrefix != null || contentChars != null || expect != null || durationMs != null) {
                throw new IllegalArgumentException("a recording replays its own users and timing: leave out groups,"
                        + " duration_ms and the group keys");
            }
            return Scenario.of(scenarioName, description != null ? description : "", or(drainMs, 10_000L),
                    new Scenario.Replay(recording, 1, 1));
        }
        List<Scenario.Group> built = new ArrayList<>();
        if (groups != null) {
            if (users != null || connectionsPerUser != null || rampUpMs != null || messagesPerUser != null
                    || thinkTime != null || mix != null || reconnect != null || userPrefix != null
                    || contentChars != null || expect != null) {
                throw new IllegalArgumentException("with groups, each group's keys go inside its group");
            }
            for (GroupFile group : groups) {
                if (group == null) {
                    throw new IllegalArgumentException("groups[" + built.size() + "] must be a JSON object");
                }
                built.add(group.toGroup("group-" + (built.size() + 1)));
            }
        } else {
            built.add(new GroupFile(null, users, connectionsPerUser, rampUpMs, messagesPerUser, thinkTime, mix, reconnect,
                    userPrefix, contentChars, expect).toGroup(scenarioName));
        }
        return new Scenario(scenarioName, description != null ? description : "", or(durationMs, 0L),
                or(drainMs, 10_000L), built);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** The offending key's path, then what was wrong, in words. */
    private static String describe(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String parent = path.lastIndexOf(".") < 0 ? "the scenario" : path.substring(0, path.lastIndexOf("."));
            return "unknown key '" + unknown.getPropertyName() + "' in " + parent;
        }
        String wanted = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatched
                && mismatched.getTargetType() != null ? kind(mismatched.getTargetType()) : "another kind of value";
        return (path.length() == 0 ? "the scenario" : path) + ": must be " + wanted;
    }

    private static String kind(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        return "a JSON object";
    }
}
