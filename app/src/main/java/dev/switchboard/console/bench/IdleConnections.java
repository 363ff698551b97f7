package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How much resident memory an idle connection costs the router: a standalone router in a child JVM
 * (so nothing of the load's own memory is counted), its RSS read from {@code /proc} before and
 * after this process opens {@code count} idle connections to it. Both processes need a file
 * descriptor per connection: the count is cut to what this process's open-files limit allows,
 * and the report says so.
 */
final class IdleConnections {
    private static final int SPARE_DESCRIPTORS = 300;

    private final int asked;
    private final PrintWriter log;

    IdleConnections(int asked, PrintWriter log) {
        this.asked = asked;
        this.log = log;
    }

    ObjectNode run() throws IOException, InterruptedException {
        ObjectNode json = Json.mapper().createObjectNode().put("asked", asked);
        int count = countWithinOpenFilesLimit(asked, json);
        int port = freePort();
        Path logFile = Files.createTempFile("bench-router-", ".log");
        Process router = startRouter(port, count, logFile);
        // Ctrl+C on the bench must not leave a router with thousands of sockets behind.
        Thread reaper = new Thread(router::destroyForcibly, "bench-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        ExecutorService io = Executors.newFixedThreadPool(2);
        HttpClient client = HttpClient.newBuilder().executor(io).build();
        List<ClientConnection> sockets = new ArrayList<>();
        try {
            URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
            awaitListening(client, uri, router);
            settle();
            long before = rssKb(router.pid());
            log.printf("idle: router pid %d RSS %,d KB; opening %,d idle connections ...%n", router.pid(), before, count);
            log.flush();
            Opened opened = openIdleConnections(client, uri, count);
            sockets.addAll(opened.held());
            settle();
            long after = rssKb(router.pid());
            putMemory(json, opened, before, after);
            return json;
        } finally {
            sockets.forEach(ClientConnection::abort);
            stopRouter(router);
            io.shutdownNow();
            Runtime.getRuntime().removeShutdownHook(reaper);
            Files.deleteIfExists(logFile);
        }
    }

    /** The connections that opened, and how many did not. */
    private record Opened(List<ClientConnection> held, int failed) {
    }

    /** The asked count, cut (and the cut noted in {@code json}) to what the open-files limit allows. */
    static int countWithinOpenFilesLimit(int asked, ObjectNode json) {
        long limit = openFilesLimit();
        if (limit > 0 && asked > limit - SPARE_DESCRIPTORS) {
            json.put("limited_by", "open files limit " + limit + " (ulimit -n)");
            return (int) (limit - SPARE_DESCRIPTORS);
        }
        return asked;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** A standalone router in a child JVM, its output in {@code logFile}. */
    private static Process startRouter(int port, int count, Path logFile) throws IOException {
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.switchboard.router.server.Main",
                "serve", "--dev-auth", "--host", "127.0.0.1", "--port", Integer.toString(port), "--http-port", "-1",
                "--idle-timeout", "1h", "--max-connections", Integer.toString(count))
                .redirectErrorStream(true).redirectOutput(logFile.toFile());
        return child.start();
    }

    /** Opens {@code count} connections, at most 200 handshakes in flight, and waits for every one. */
    private static Opened openIdleConnections(HttpClient client, URI uri, int count) throws InterruptedException {
        AtomicInteger failed = new AtomicInteger();
        Semaphore inFlight = new Semaphore(200);
        List<ClientConnection> connections = new ArrayList<>();
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            ClientConnection connection = ClientConnection.builder(client).connectTimeout(Duration.ofSeconds(30))
                    .listener(text -> { }).build();
            connections.add(connection);
            opening.add(connection.open(new ClientConnection.Target(URI.create(uri + "?user=idle-" + i), null))
                    .whenComplete((ok, failure) -> {
                        inFlight.release();
                        if (failure != null) {
                            failed.incrementAndGet();
                        }
                    }));
        }
        List<ClientConnection> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (opening.get(i).handle((ok, failure) -> failure == null).join()) {
                held.add(connections.get(i));
            }
        }
        return new Opened(held, failed.get());
    }

    private static void putMemory(ObjectNode json, Opened opened, long before, long after) {
        int held = opened.held().size();
        json.put("held", held).put("failed", opened.failed()).put("rss_kb_before", before)
                .put("rss_kb_after", after)
                .put("rss_kb_per_connection", held == 0 ? 0
                        : Math.round((after - before) * 10.0 / held) / 10.0)
                .put("router_jvm", "-Xms64m -Xmx1g, default GC");
    }

    private static void stopRouter(Process router) throws InterruptedException {
        router.destroy();
        if (!router.waitFor(10, TimeUnit.SECONDS)) {
            router.destroyForcibly();
        }
    }

    private static void awaitListening(HttpClient client, URI uri, Process router) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && router.isAlive()) {
            try {
                ClientConnection probe = ClientConnection.builder(client).listener(text -> { }).build();
                probe.open(new ClientConnection.Target(URI.create(uri + "?user=probe"), null)).get(2, TimeUnit.SECONDS);
                probe.abort();
                return;
            } catch (Exception notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the router child process did not start listening on " + uri);
    }

    /** Gives the child a moment to finish the work the last step caused (JIT, handshakes, GC). */
    private static void settle() throws InterruptedException {
        Thread.sleep(3_000);
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** This process's soft limit on open files, or -1 when unknown (not Linux). */
    static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.trim().split("\\s+");
                    return parts[3].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(parts[3]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
