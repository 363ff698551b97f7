package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an <em>active</em> connection costs the router: a standalone router in a child JVM
 * ({@code -Xms64m -Xmx1g}, as for idle connections), then {@code count} connections from this
 * process, each sending one {@code ping} a second (an open loop of {@code count} msg/s in all).
 * Its resident set ({@code VmRSS}) and its live heap (used after a full collection, {@code jcmd
 * GC.run} then {@code GC.heap_info}) are read before the connections open and while they are
 * busy; the differences divided by the connections held are the cost of one.
 */
final class ActiveConnections {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final int asked;
    private final Duration busy;
    private final PrintWriter log;

    /**
     * @param asked connections to open (cut to the open-files limit, as for idle connections)
     * @param busy  how long they send before the measurement (the load runs on for as long after it)
     */
    ActiveConnections(int asked, Duration busy, PrintWriter log) {
        this.asked = asked;
        this.busy = busy;
        this.log = log;
    }

    ObjectNode run() throws Exception {
        ObjectNode json = Json.mapper().createObjectNode().put("asked", asked);
        int count = IdleConnections.countWithinOpenFilesLimit(asked, json);
        try (ChildRouter router = ChildRouter.start(List.of("-Xms64m", "-Xmx1g"), false,
                List.of("--max-connections", Integer.toString(count + 10), "--idle-timeout", "1h"), Map.of(), ChildProcess.Placement.ANYWHERE)) {
            long rssBefore = IdleConnections.rssKb(router.pid());
            long heapBefore = liveHeapKb(router.pid());
            log.printf("active: router pid %d RSS %,d KB, live heap %,d KB; %,d connections sending one ping a second ...%n",
                    router.pid(), rssBefore, heapBefore, count);
            log.flush();
            try (RequestLoad load = new RequestLoad(router.clientUri(), count, 256).connect()) {
                CompletableFuture<RequestLoad.Result> sending = CompletableFuture.supplyAsync(
                        () -> load.openLoop(count, busy, busy));
                RequestLoad.sleepUntil(System.nanoTime() + busy.toNanos());
                long rssAfter = IdleConnections.rssKb(router.pid());
                long heapAfter = liveHeapKb(router.pid());
                RequestLoad.Result result = sending.get(busy.toSeconds() * 4 + 60, TimeUnit.SECONDS);
                json.put("held", count).put("offered_per_s", count).put("replies", result.replies())
                        .put("errors", result.errors()).put("unanswered", result.unanswered())
                        .put("p99_ms", Bench.round(result.p99Ms()))
                        .put("rss_kb_before", rssBefore).put("rss_kb_after", rssAfter)
                        .put("rss_kb_per_connection", perConnection(rssAfter - rssBefore, count))
                        .put("heap_kb_before", heapBefore).put("heap_kb_after", heapAfter)
                        .put("heap_kb_per_connection", heapBefore < 0 || heapAfter < 0 ? -1
                                : perConnection(heapAfter - heapBefore, count))
                        .put("router_jvm", "-Xms64m -Xmx1g, default GC");
            }
        }
        return json;
    }

    private static double perConnection(long kb, int count) {
        return count == 0 ? 0 : Math.round(kb * 10.0 / count) / 10.0;
    }

    /** The heap in use right after a full collection, KB, from {@code jcmd}; -1 where there is no {@code jcmd}. */
    static long liveHeapKb(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!jcmd.toFile().canExecute() || jcmd(jcmd, pid, "GC.run") == null) {
            return -1;
        }
        String info = jcmd(jcmd, pid, "GC.heap_info");
        Matcher used = HEAP_USED.matcher(info == null ? "" : info);
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    private static String jcmd(Path jcmd, long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return null;
        }
        return process.exitValue() == 0 ? out : null;
    }
}
