package dev.switchboard.console.contract;

import dev.switchboard.router.protocol.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The five-event contract of one agent run, checked event by event as one observer receives them:
 * {@code seq} counts up from 1 without gaps, {@code agent_started} comes first (and only first),
 * every {@code tool_completed} ends a {@code tool_executing} of the same tool, and nothing follows
 * {@code agent_completed}. The console's runs view and the simulator's users check runs with it.
 * Not thread-safe: one instance per run and observer, fed in the order received.
 */
public final class RunContract {
    /** The run events, in the order a simple run emits them. */
    public static final List<String> EVENTS = List.of(EventType.AGENT_STARTED, EventType.AGENT_THINKING,
            EventType.TOOL_EXECUTING, EventType.TOOL_COMPLETED, EventType.AGENT_COMPLETED);
    private static final int ALL_KINDS = (1 << EVENTS.size()) - 1;

    private final Map<String, Integer> runningTools = new HashMap<>();
    private long lastSeq;
    private int kinds;
    private boolean completed;
    private boolean broken;

    /** Whether {@code type} is one of the five run events. */
    public static boolean isRunEvent(String type) {
        return EventType.RUN_EVENTS.contains(type);
    }

    /**
     * Takes the next event of the run.
     *
     * @param type the event's type
     * @param seq  its {@code seq}
     * @param tool the tool of a {@code tool_executing} or {@code tool_completed} (may be null)
     * @return whether the run still keeps the contract
     */
    public boolean accept(String type, long seq, String tool) {
        boolean inOrder = !completed && seq == lastSeq + 1 && (seq == 1) == type.equals(EventType.AGENT_STARTED);
        if (type.equals(EventType.TOOL_EXECUTING)) {
            runningTools.merge(String.valueOf(tool), 1, Integer::sum);
        } else if (type.equals(EventType.TOOL_COMPLETED)) {
            Integer running = runningTools.get(String.valueOf(tool));
            if (running == null) {
                inOrder = false; // a tool that was not running
            } else if (running == 1) {
                runningTools.remove(String.valueOf(tool));
            } else {
                runningTools.put(String.valueOf(tool), running - 1);
            }
        }
        broken |= !inOrder;
        lastSeq = seq;
        int kind = EVENTS.indexOf(type);
        if (kind >= 0) {
            kinds |= 1 << kind;
        }
        completed |= type.equals(EventType.AGENT_COMPLETED);
        return !broken;
    }

    /** Whether every event so far kept the order. */
    public boolean inOrder() {
        return !broken;
    }

    /** Whether {@code agent_completed} has arrived. */
    public boolean completed() {
        return completed;
    }

    /** Whether each of the five kinds arrived at least once. */
    public boolean sawEveryKind() {
        return kinds == ALL_KINDS;
    }

    /** The kinds not seen (yet), in the contract's order. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (int kind = 0; kind < EVENTS.size(); kind++) {
            if ((kinds & 1 << kind) == 0) {
                missing.add(EVENTS.get(kind));
            }
        }
        return missing;
    }
}
