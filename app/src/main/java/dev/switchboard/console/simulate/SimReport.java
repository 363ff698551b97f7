package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a simulation saw, with a verdict: the checks every user's traffic must pass, the latency
 * measures, counters and one row per user. Written as JSON (everything) and CSV (one row per user).
 *
 * @param urls                     the client endpoints the users' connections spread over, in the order given
 * @param sendingTime              how long users sent (the rates are over this)
 * @param totalTime                sending plus draining
 * @param runsIncomplete           runs that never ended on the connection that started them
 * @param runsNotOnEveryConnection runs that ended on the connection that started them but not on
 *                                 every other connection of their user (on another router, say)
 * @param connectionsByUrl         connections opened, failed and closed per client endpoint
 * @param replay                   a replay against its recording, per type (null for a scenario of groups)
 */
public record SimReport(String scenario, List<String> urls, Instant startedAt, Duration sendingTime,
                        Duration totalTime, int users, long sent, long received, Map<String, Measure.Figures> latency,
                        long runsStarted, Map<String, Long> runsByStatus, long runsOutOfOrder, long runsMissingEvents,
                        long runsIncomplete, long runsNotOnEveryConnection, long unanswered, long interrupted,
                        long isolationViolations, Map<String, Long> errorsByCode, long unexpectedErrors,
                        long connectionsOpened, long connectionFailures, long connectionsLost, long reconnects,
                        List<UrlConnections> connectionsByUrl, List<Check> checks, List<String> problems,
                        List<VirtualUser.UserRow> userRows, ReplayComparison replay) {

    /**
     * One pass/fail check.
     *
     * @param detail what was counted
     */
    public record Check(String name, boolean passed, String detail) {
    }

    /**
     * The connections to one client endpoint (one router node), so that a failing node shows.
     * A connection that failed before a router was chosen (no token for its user) counts only in
     * the totals.
     *
     * @param closedByRouter connections the router closed, or that broke
     */
    public record UrlConnections(String url, long opened, long failed, long closedByRouter) {
    }

    static SimReport of(Simulation sim, Instant startedAt, Duration total, Duration sending) {
        SimTotals totals = sim.totals();
        Map<String, Measure.Figures> latency = new LinkedHashMap<>();
        for (Measure measure : List.of(totals.ackLatency, totals.firstEvent, totals.runDuration, totals.pingRtt,
                totals.replyLatency)) {
            measure.sample();
            latency.put(measure.name(), measure.total());
        }
        List<Check> checks = new ArrayList<>();
        long violations = totals.isolationViolations.sum();
        checks.add(new Check("isolation", violations == 0,
                violations + " events received for runs the user did not start"));
        long outOfOrder = totals.runsOutOfOrder.sum();
        long missing = totals.runsMissingEvents.sum();
        long incomplete = totals.runsIncomplete.sum();
        long notEverywhere = totals.runsNotOnEveryConnection.sum();
        checks.add(new Check("runs_complete_in_order", outOfOrder + missing + incomplete + notEverywhere == 0,
                String.format(Locale.ROOT, "%,d started; %d out of order, %d completed without all five events, %d never ended",
                        totals.runsStarted.sum(), outOfOrder, missing, incomplete)
                        + (notEverywhere == 0 ? "" : String.format(Locale.ROOT,
                        ", %d ended but never reached every connection of their user", notEverywhere))));
        long unanswered = totals.unanswered.sum();
        checks.add(new Check("every_message_answered", unanswered == 0,
                unanswered + " messages that expect a reply got none"));
        checks.add(new Check("no_unexpected_errors", totals.unexpectedErrors() == 0,
                totals.unexpectedErrors() + " errors with codes the scenario does not expect; by code: " + totals.errorsByCode()));
        StringBuilder connections = new StringBuilder();
        boolean connectionsOk = true;
        for (Scenario.Group group : sim.scenario().groups()) {
            long failed = totals.connectionFailures(group.name());
            long closed = totals.connectionsLost(group.name());
            connectionsOk &= failed <= group.maxConnectionFailures() && closed <= group.maxConnectionsClosed();
            connections.append(connections.length() == 0 ? "" : "; ").append(sim.scenario().groups().size() > 1
                    ? group.name() + ": " : "").append(String.format(Locale.ROOT,
                    "%d failed (allowed %d), %d closed by the router (allowed %d)", failed,
                    group.maxConnectionFailures(), closed, group.maxConnectionsClosed()));
        }
        if (totals.interrupted.sum() > 0) {
            connections.append("; ").append(totals.interrupted.sum()).append(" messages and runs cut off by closes");
        }
        checks.add(new Check("connections", connectionsOk, connections.toString()));
        if (totals.sent.sum() == 0) {
            checks.add(new Check("traffic", false, "no message was sent"));
        }
        return new SimReport(sim.scenario().name(), sim.urls().stream().map(URI::toString).toList(), startedAt,
                sending, total, sim.scenario().totalUsers(), totals.sent.sum(), totals.received.sum(), latency,
                totals.runsStarted.sum(), totals.runsByStatus(), outOfOrder, missing, incomplete, notEverywhere,
                unanswered, totals.interrupted.sum(), violations, totals.errorsByCode(), totals.unexpectedErrors(),
                totals.connectionsOpened(), totals.connectionFailures(), totals.connectionsLost(),
                totals.reconnects.sum(), totals.connectionsByUrl(), List.copyOf(checks), totals.problems(),
                sim.userRows(), sim.scenario().replay() == null ? null : ReplayComparison.of(sim.scenario().replay(),
                        totals.sentByType(), totals.errorsByType(), totals.runsStarted.sum(), totals.runsByStatus()));
    }

    /** Whether every check passed. */
    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /** The client endpoints as one line: {@code ws://a/ws} or {@code ws://a/ws, ws://b/ws}. */
    public String url() {
        return String.join(", ", urls);
    }

    public double sentPerSecond() {
        return sent / Math.max(0.001, sendingTime.toNanos() / 1e9);
    }

    public double receivedPerSecond() {
        return received / Math.max(0.001, sendingTime.toNanos() / 1e9);
    }

    /** The final table for terminals. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "scenario %s against %s: %d users, %.1f s sending + %.1f s draining%n",
                scenario, url(), users, sendingTime.toMillis() / 1000.0,
                (totalTime.toMillis() - sendingTime.toMillis()) / 1000.0));
        out.append(String.format(Locale.ROOT, "sent %,d (%,.0f/s)  received %,d (%,.0f/s)  runs %,d %s%n",
                sent, sentPerSecond(), received, receivedPerSecond(), runsStarted, runsByStatus));
        out.append(String.format(Locale.ROOT, "%n%-14s %9s %10s %10s %10s %10s%n", "measure", "count", "p50 ms", "p95 ms",
                "p99 ms", "max ms"));
        latency.forEach((name, figures) -> out.append(String.format(Locale.ROOT, "%-14s %,9d %10.2f %10.2f %10.2f %10.2f%n",
                name, figures.count(), figures.p50(), figures.p95(), figures.p99(), figures.max())));
        out.append(String.format(Locale.ROOT, "%nerrors by code %s%n", errorsByCode.isEmpty() ? "none" : errorsByCode));
        Map<String, long[]> groups = new LinkedHashMap<>();
        for (VirtualUser.UserRow row : userRows) {
            long[] sums = groups.computeIfAbsent(row.group(), key -> new long[5]);
            sums[0]++;
            sums[1] += row.sent();
            sums[2] += row.runsCompleted();
            sums[3] += row.errors();
            sums[4] += row.isolationViolations();
        }
        if (groups.size() > 1) {
            groups.forEach((group, sums) -> out.append(String.format(Locale.ROOT,
                    "  group %-16s %,d users  sent %,d  runs completed %,d  errors %,d  isolation violations %d%n",
                    group, sums[0], sums[1], sums[2], sums[3], sums[4])));
        }
        if (connectionsByUrl.size() > 1) {
            out.append(String.format(Locale.ROOT, "%nconnections by url%n"));
            int width = connectionsByUrl.stream().mapToInt(row -> row.url().length()).max().orElse(0);
            connectionsByUrl.forEach(row -> out.append(String.format(Locale.ROOT,
                    "  %-" + width + "s  opened %,d  failed %,d  closed by the router %,d%n",
                    row.url(), row.opened(), row.failed(), row.closedByRouter())));
        }
        if (replay != null) {
            out.append(replay.table());
        }
        out.append(String.format(Locale.ROOT, "%n%-24s %-6s %s%n", "check", "result", "detail"));
        for (Check check : checks) {
            out.append(String.format(Locale.ROOT, "%-24s %-6s %s%n", check.name, check.passed ? "PASS" : "FAIL", check.detail));
        }
        if (!problems.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nfirst problems seen:%n"));
            problems.stream().limit(10).forEach(problem -> out.append("  ").append(problem).append('\n'));
        }
        out.append(String.format(Locale.ROOT, "%nverdict: %s%n", passed() ? "PASS" : "FAIL"));
        return out.toString();
    }

    /** The whole report as JSON. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("scenario", scenario).put("url", url()).put("started_at", startedAt.toString())
                .put("verdict", passed() ? "pass" : "fail").put("users", users)
                .put("sending_s", sendingTime.toMillis() / 1000.0).put("total_s", totalTime.toMillis() / 1000.0);
        json.putObject("throughput").put("sent", sent).put("received", received)
                .put("sent_per_s", round(sentPerSecond())).put("received_per_s", round(receivedPerSecond()));
        ObjectNode latencyJson = json.putObject("latency_ms");
        latency.forEach((name, figures) -> latencyJson.putObject(name).put("count", figures.count())
                .put("p50", figures.p50()).put("p95", figures.p95()).put("p99", figures.p99())
                .put("max", figures.max()).put("mean", round(figures.mean())));
        ObjectNode runs = json.putObject("runs").put("started", runsStarted).put("out_of_order", runsOutOfOrder)
                .put("missing_events", runsMissingEvents).put("never_ended", runsIncomplete)
                .put("not_on_every_connection", runsNotOnEveryConnection);
        runs.set("by_status", mapper.valueToTree(runsByStatus));
        json.put("isolation_violations", isolationViolations).put("unanswered", unanswered)
                .put("interrupted_by_close", interrupted).put("unexpected_errors", unexpectedErrors);
        json.set("errors_by_code", mapper.valueToTree(errorsByCode));
        ObjectNode connections = json.putObject("connections").put("opened", connectionsOpened)
                .put("failed", connectionFailures).put("closed_by_router", connectionsLost).put("reconnects", reconnects);
        var byUrl = connections.putArray("by_url");
        connectionsByUrl.forEach(row -> byUrl.addObject().put("url", row.url()).put("opened", row.opened())
                .put("failed", row.failed()).put("closed_by_router", row.closedByRouter()));
        var checksJson = json.putArray("checks");
        checks.forEach(check -> checksJson.addObject().put("name", check.name).put("passed", check.passed)
                .put("detail", check.detail));
        json.set("problems", mapper.valueToTree(problems));
        if (replay != null) {
            ObjectNode comparison = json.putObject("replay").put("users_scale", replay.usersScale())
                    .put("matches", replay.matches());
            comparison.set("types", mapper.valueToTree(replay.types()));
            comparison.set("runs", mapper.valueToTree(replay.runs()));
        }
        var usersJson = json.putArray("per_user");
        userRows.forEach(row -> usersJson.addObject().put("user", row.user()).put("group", row.group())
                .put("sent", row.sent()).put("received", row.received()).put("runs_started", row.runsStarted())
                .put("runs_completed", row.runsCompleted()).put("errors", row.errors())
                .put("isolation_violations", row.isolationViolations()));
        return json;
    }

    /** Writes {@code file} (JSON) and, beside it, the per-user table as CSV ({@code name.csv}). */
    public List<Path> write(Path file) throws IOException {
        ObjectMapper mapper = Json.mapper();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, Json.writePretty(toJson(mapper)) + "\n");
        String base = file.getFileName().toString().replaceFirst("\\.json$", "");
        Path csv = file.resolveSibling(base + ".csv");
        StringBuilder lines = new StringBuilder("user,group,sent,received,runs_started,runs_completed,errors,isolation_violations\n");
        userRows.forEach(row -> lines.append(String.join(",", row.user(), csv(row.group()), Long.toString(row.sent()),
                Long.toString(row.received()), Long.toString(row.runsStarted()), Long.toString(row.runsCompleted()),
                Long.toString(row.errors()), Long.toString(row.isolationViolations()))).append('\n'));
        Files.writeString(csv, lines);
        return List.of(file, csv);
    }

    /** A CSV field: quoted when it holds a comma, a quote or a line break (user ids never do). */
    private static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
