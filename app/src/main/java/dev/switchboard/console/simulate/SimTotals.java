package dev.switchboard.console.simulate;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/** What a simulation's users reported, added up: the counters and latencies its progress and report are made of. */
final class SimTotals implements SimCounters {
    private static final int PROBLEMS_KEPT = 50;

    final Measure ackLatency = new Measure("ack");
    final Measure firstEvent = new Measure("first_event");
    final Measure runDuration = new Measure("run");
    final Measure pingRtt = new Measure("ping");
    final Measure replyLatency = new Measure("other_replies");
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder runsStarted = new LongAdder();
    final LongAdder runsOutOfOrder = new LongAdder();
    final LongAdder runsMissingEvents = new LongAdder();
    final LongAdder runsIncomplete = new LongAdder();
    final LongAdder runsNotOnEveryConnection = new LongAdder();
    final LongAdder unanswered = new LongAdder();
    final LongAdder interrupted = new LongAdder();
    final LongAdder isolationViolations = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionFailures = new LongAdder();
    private final LongAdder connectionsLost = new LongAdder();
    private final LongAdder unexpectedErrors = new LongAdder();
    private final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> runsByStatus = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failuresByGroup = new ConcurrentHashMap<>();
    /** A replay's frames by type, and their errors by type and code ({@code type code}). */
    private final Map<String, LongAdder> sentByType = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LongAdder>> errorsByType = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> lostByGroup = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    /** Per client endpoint, in the order given; fixed at construction, so read without a lock. */
    private final Map<URI, UrlCounters> byUrl;

    /** The connections to one client endpoint. */
    private static final class UrlCounters {
        final LongAdder opened = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder lost = new LongAdder();
    }

    /** @param urls the simulation's client endpoints, each counted apart */
    SimTotals(List<URI> urls) {
        Map<URI, UrlCounters> counters = new LinkedHashMap<>();
        urls.forEach(url -> counters.put(url, new UrlCounters()));
        byUrl = Collections.unmodifiableMap(counters);
    }

    @Override
    public void sentType(String type) {
        sentByType.computeIfAbsent(type, key -> new LongAdder()).increment();
    }

    @Override
    public void errorOfType(String type, String code) {
        errorsByType.computeIfAbsent(type, key -> new ConcurrentHashMap<>())
                .computeIfAbsent(code, key -> new LongAdder()).increment();
    }

    /** A replay's frames sent, by type. */
    Map<String, Long> sentByType() {
        return counts(sentByType);
    }

    /** A replay's errors, by the type they answered, then by code. */
    Map<String, Map<String, Long>> errorsByType() {
        Map<String, Map<String, Long>> errors = new LinkedHashMap<>();
        new TreeMap<>(errorsByType).forEach((type, codes) -> errors.put(type, counts(codes)));
        return errors;
    }

    long runsEnded() {
        return runsByStatus.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long errorsTotal() {
        return errorsByCode.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> errorsByCode() {
        return counts(errorsByCode);
    }

    Map<String, Long> runsByStatus() {
        return counts(runsByStatus);
    }

    private static Map<String, Long> counts(Map<String, LongAdder> adders) {
        Map<String, Long> counts = new LinkedHashMap<>();
        new TreeMap<>(adders).forEach((key, adder) -> counts.put(key, adder.sum()));
        return counts;
    }

    long connectionsOpened() {
        return connectionsOpened.sum();
    }

    long connectionFailures() {
        return connectionFailures.sum();
    }

    long connectionsLost() {
        return connectionsLost.sum();
    }

    /** Connection failures of a group. */
    long connectionFailures(String group) {
        LongAdder count = failuresByGroup.get(group);
        return count == null ? 0 : count.sum();
    }

    /** Connections of a group the router closed. */
    long connectionsLost(String group) {
        LongAdder count = lostByGroup.get(group);
        return count == null ? 0 : count.sum();
    }

    /** Connections opened, failed and closed by the router, per client endpoint in the order given. */
    List<SimReport.UrlConnections> connectionsByUrl() {
        List<SimReport.UrlConnections> rows = new ArrayList<>();
        byUrl.forEach((url, counts) -> rows.add(new SimReport.UrlConnections(url.toString(), counts.opened.sum(),
                counts.failed.sum(), counts.lost.sum())));
        return rows;
    }

    long unexpectedErrors() {
        return unexpectedErrors.sum();
    }

    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    @Override
    public void sent() {
        sent.increment();
    }

    @Override
    public void received() {
        received.increment();
    }

    @Override
    public void ping(long nanos) {
        pingRtt.recordNanos(nanos);
    }

    @Override
    public void ack(long nanos) {
        ackLatency.recordNanos(nanos);
    }

    @Override
    public void reply(long nanos) {
        replyLatency.recordNanos(nanos);
    }

    @Override
    public void error(String code, boolean unexpected) {
        errorsByCode.computeIfAbsent(code, key -> new LongAdder()).increment();
        if (unexpected) {
            unexpectedErrors.increment();
        }
    }

    @Override
    public void runStarted() {
        runsStarted.increment();
    }

    @Override
    public void firstEvent(long nanos) {
        firstEvent.recordNanos(nanos);
    }

    @Override
    public void runEnded(String status, long nanos) {
        runDuration.recordNanos(nanos);
        runsByStatus.computeIfAbsent(status, key -> new LongAdder()).increment();
    }

    @Override
    public void runOutOfOrder() {
        runsOutOfOrder.increment();
    }

    @Override
    public void runMissingEvents() {
        runsMissingEvents.increment();
    }

    @Override
    public void runsIncomplete(long count) {
        runsIncomplete.add(count);
    }

    @Override
    public void runsNotOnEveryConnection(long count) {
        runsNotOnEveryConnection.add(count);
    }

    @Override
    public void unanswered(long count) {
        unanswered.add(count);
    }

    @Override
    public void interrupted() {
        interrupted.increment();
    }

    @Override
    public void isolationViolation(String problem) {
        isolationViolations.increment();
        problem(problem);
    }

    @Override
    public void connectionOpened(URI url) {
        connectionsOpened.increment();
        count(url, counts -> counts.opened);
    }

    @Override
    public void connectionFailed(String group, String user, URI url, String why) {
        connectionFailures.increment();
        failuresByGroup.computeIfAbsent(group, key -> new LongAdder()).increment();
        count(url, counts -> counts.failed);
        problem("connection of " + user + where(url) + " failed: " + why);
    }

    @Override
    public void connectionLost(String group, String user, URI url, String how) {
        connectionsLost.increment();
        lostByGroup.computeIfAbsent(group, key -> new LongAdder()).increment();
        count(url, counts -> counts.lost);
        problem("connection of " + user + where(url) + " " + how);
    }

    private void count(URI url, Function<UrlCounters, LongAdder> which) {
        UrlCounters counts = byUrl.get(url);
        if (counts != null) {
            which.apply(counts).increment();
        }
    }

    /** Names the endpoint in a problem only when there are several (one reads as it always did). */
    private String where(URI url) {
        return byUrl.size() > 1 && url != null ? " to " + url : "";
    }

    @Override
    public void reconnect() {
        reconnects.increment();
    }

    @Override
    public void problem(String what) {
        synchronized (problems) {
            if (problems.size() < PROBLEMS_KEPT) {
                problems.add(what);
            }
        }
    }
}
