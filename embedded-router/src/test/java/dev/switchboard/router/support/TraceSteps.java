package dev.switchboard.router.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading a trace as the {@code trace} command answers it: its steps' names, one step by name. */
public final class TraceSteps {

    private TraceSteps() {
    }

    /** The names of the trace's steps, in order. */
    public static List<String> names(JsonNode trace) {
        List<String> names = new ArrayList<>();
        trace.path("steps").forEach(step -> names.add(step.path("step").asText()));
        return names;
    }

    /** The trace's first step of that name; an {@link AssertionError} naming the trace when it has none. */
    public static JsonNode step(JsonNode trace, String name) {
        for (JsonNode step : trace.path("steps")) {
            if (step.path("step").asText().equals(name)) {
                return step;
            }
        }
        throw new AssertionError("no step " + name + " in " + trace);
    }
}
