package dev.switchboard.console.state;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What can look wrong with a run's events: missing kinds, order, silence. */
final class RunChecks {
    static final List<String> FIVE = List.of("agent_started", "agent_thinking", "tool_executing", "tool_completed",
            "agent_completed");

    private RunChecks() {
    }

    static String flags(List<TimelineEvent> events, String status, boolean stuck) {
        List<String> flags = new ArrayList<>();
        if (!status.equals("running")) {
            Set<String> seen = new HashSet<>();
            events.forEach(event -> seen.add(event.type()));
            List<String> missing = new ArrayList<>();
            for (String kind : FIVE) {
                if (!seen.contains(kind)) {
                    missing.add(kind);
                }
            }
            if (!missing.isEmpty()) {
                flags.add("missing " + String.join(", ", missing));
            }
        }
        if (!inOrder(events)) {
            flags.add("out of order");
        }
        if (stuck) {
            flags.add("stuck");
        }
        return String.join("; ", flags);
    }

    private static boolean inOrder(List<TimelineEvent> events) {
        Set<String> executing = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            TimelineEvent event = events.get(i);
            if (event.seq() != i + 1 || (i == 0) != event.type().equals("agent_started")) {
                return false;
            }
            if (event.type().equals("tool_executing")) {
                executing.add(event.tool());
            } else if (event.type().equals("tool_completed") && !executing.remove(event.tool())) {
                return false;
            } else if (event.type().equals("agent_completed") && i != events.size() - 1) {
                return false;
            }
        }
        return true;
    }
}
