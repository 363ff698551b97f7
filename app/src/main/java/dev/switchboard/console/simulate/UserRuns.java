package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.console.contract.RunContract;
import dev.switchboard.router.protocol.EventType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The agent runs one virtual user started, each checked with a {@link RunContract} on every
 * connection that was open when it started (a connection opened later sees only the rest of the
 * run and is not checked), and the run events that are not the user's. The connections may be on
 * different routers (the nodes of a cluster): each must still get every event of the run, in
 * order, and an event may arrive on one before the ack arrives on another. Not thread-safe: its
 * user calls it under the user's lock.
 */
final class UserRuns {
    private static final int EARLY_EVENTS_KEPT = 16;

    /** A connection as the checks see it: open or not, and how many times it has opened. */
    interface Link {
        boolean isOpen();

        int generation();
    }

    private final String user;
    private final SimCounters counters;
    private final Consumer<String> leak;
    private final Map<String, Run> runs = new HashMap<>();
    /** Run events for runs not (yet) known as this user's: checked when the ack arrives, else violations. */
    private final Map<String, Early> early = new HashMap<>();
    /**
     * Runs of this user that ended (kept to catch events after their end), runs cut
     * off by their connection closing, and runs found not to be this user's (counted once).
     */
    private final Map<String, Run> finished = new HashMap<>();
    private final Set<String> interruptedRuns = new HashSet<>();
    private final Set<String> foreign = new HashSet<>();
    private long started;
    private long completed;

    private record Early(long firstSeenNanos, List<Map.Entry<Link, JsonNode>> events) {
    }

    /** One run: when its message went out, on which connection, and what each watching connection saw. */
    private static final class Run {
        final long sentNanos;
        final Link origin;
        /** The connections open at the ack, with the generation (reconnect count) they had then. */
        final Map<Link, Integer> watched = new HashMap<>();
        final Map<Link, RunContract> tracks = new HashMap<>();
        boolean firstEventSeen;
        boolean lateEventCounted;

        Run(long sentNanos, Link origin) {
            this.sentNanos = sentNanos;
            this.origin = origin;
        }
    }

    /**
     * @param user     the user's id, for problems
     * @param counters where the run figures go
     * @param leak     told what the user received that is not its own (an isolation violation)
     */
    UserRuns(String user, SimCounters counters, Consumer<String> leak) {
        this.user = user;
        this.counters = counters;
        this.leak = leak;
    }

    /** The ack of a message that started run {@code runId} arrived: watch it on every open connection. */
    void started(String runId, long sentNanos, Link origin, Collection<? extends Link> connections) {
        Run run = new Run(sentNanos, origin);
        for (Link link : connections) {
            if (link.isOpen()) {
                run.watched.put(link, link.generation());
            }
        }
        run.watched.put(origin, origin.generation());
        runs.put(runId, run);
        started++;
        counters.runStarted();
        Early before = early.remove(runId);
        if (before != null) {
            for (Map.Entry<Link, JsonNode> event : before.events) {
                track(runId, run, event.getKey(), event.getValue(), before.firstSeenNanos);
            }
        }
    }

    /**
     * A run event arrived on {@code link}.
     *
     * @param onlyConnection whether the user has just this one connection (then the ack always
     *                       precedes the run's first event, and an unknown run is not the user's)
     */
    void event(Link link, JsonNode event, long now, boolean onlyConnection) {
        String runId = event.path("run_id").asText("");
        Run run = runs.get(runId);
        if (run != null) {
            track(runId, run, link, event, now);
            return;
        }
        if (interruptedRuns.contains(runId) || foreign.contains(runId)) {
            return; // a run cut off by its connection closing (its cancellation), or one counted already
        }
        Run ended = finished.get(runId);
        if (ended != null) {
            Integer generation = ended.watched.get(link);
            if (generation != null && generation == link.generation() && !ended.lateEventCounted) {
                ended.lateEventCounted = true;
                counters.runOutOfOrder(); // an event after agent_completed on a connection that saw it
                counters.problem(user + ": run " + runId + " sent " + event.path("type").asText() + " after agent_completed");
            }
            return;
        }
        Early seen = early.computeIfAbsent(runId, key -> new Early(now, new ArrayList<>()));
        if (seen.events.size() < EARLY_EVENTS_KEPT) {
            seen.events.add(Map.entry(link, event));
        }
        if (onlyConnection) {
            violation(runId);
        }
    }

    private void track(String runId, Run run, Link link, JsonNode event, long now) {
        Integer generation = run.watched.get(link);
        if (generation == null || generation != link.generation()) {
            return; // opened (or reopened) after the run started: it sees only the rest of the run
        }
        String type = event.path("type").asText();
        RunContract contract = run.tracks.computeIfAbsent(link, key -> new RunContract());
        contract.accept(type, event.path("seq").asLong(-1), event.path("data").path("tool").asText(null));
        if (link == run.origin && type.equals(EventType.AGENT_STARTED) && !run.firstEventSeen) {
            run.firstEventSeen = true;
            counters.firstEvent(now - run.sentNanos);
        }
        if (!type.equals(EventType.AGENT_COMPLETED)) {
            return;
        }
        String status = event.path("data").path("status").asText("");
        boolean allFive = contract.sawEveryKind();
        if (!contract.inOrder()) {
            counters.runOutOfOrder();
        } else if (!allFive && status.equals("completed")) {
            counters.runMissingEvents();
        }
        if (link == run.origin) {
            counters.runEnded(status, now - run.sentNanos);
            if (status.equals("completed") && allFive && contract.inOrder()) {
                completed++;
            }
        }
        finishIfSeenEverywhere(runId, run);
    }

    /** Ends a run once every watched connection still open has seen its {@code agent_completed}. */
    private void finishIfSeenEverywhere(String runId, Run run) {
        for (Map.Entry<Link, Integer> watched : run.watched.entrySet()) {
            Link link = watched.getKey();
            boolean stillThere = link.isOpen() && link.generation() == watched.getValue();
            RunContract track = run.tracks.get(link);
            if (stillThere && (track == null || !track.completed())) {
                return;
            }
        }
        runs.remove(runId);
        run.tracks.clear();
        finished.put(runId, run);
    }

    private void violation(String runId) {
        early.remove(runId);
        if (foreign.add(runId)) {
            leak.accept("events of run " + runId + " it did not start");
        }
    }

    /**
     * {@code link} closed: the runs started on it end with it (the router cancels them, and their
     * {@code agent_completed} may still reach the other connections); the others stop waiting for it.
     */
    void closed(Link link) {
        for (Iterator<Map.Entry<String, Run>> it = runs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Run> entry = it.next();
            if (entry.getValue().origin == link) {
                it.remove();
                interruptedRuns.add(entry.getKey());
                counters.interrupted();
            }
        }
        for (Map.Entry<String, Run> entry : List.copyOf(runs.entrySet())) {
            finishIfSeenEverywhere(entry.getKey(), entry.getValue());
        }
    }

    /** Counts run events that never turned out to be the user's within {@code graceNanos} as violations. */
    void sweep(long now, long graceNanos) {
        for (Iterator<Map.Entry<String, Early>> it = early.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Early> entry = it.next();
            if (now - entry.getValue().firstSeenNanos > graceNanos) {
                it.remove();
                violation(entry.getKey());
            }
        }
    }

    /**
     * At the end: the runs still going are incomplete, told apart by whether they ended where they
     * started (then another connection of the user, on the same router or another one, missed the
     * rest of the run) or not at all.
     */
    void finish() {
        sweep(Long.MAX_VALUE, -1);
        long endedAtOrigin = runs.values().stream().filter(run -> {
            RunContract origin = run.tracks.get(run.origin);
            return origin != null && origin.completed();
        }).count();
        counters.runsIncomplete(runs.size() - endedAtOrigin);
        counters.runsNotOnEveryConnection(endedAtOrigin);
        runs.clear();
    }

    /** Whether every run started has ended. */
    boolean allEnded() {
        return runs.isEmpty();
    }

    long started() {
        return started;
    }

    /** Runs that completed with all five kinds of event, in order. */
    long completed() {
        return completed;
    }
}
