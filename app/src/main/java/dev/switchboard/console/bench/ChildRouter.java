package dev.switchboard.console.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A router in its own JVM, as it is deployed: {@code serve} from this jar's class path on a free
 * loopback port, its output in a temporary log. Killed with the bench if the bench is interrupted.
 */
final class ChildRouter implements AutoCloseable {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

    private final ChildProcess process;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    /**
     * What {@code /health} says (the fields the bench reads).
     *
     * @param cluster      {@code ok} or {@code degraded} for a cluster node, null for a router alone
     * @param clusterNodes the cluster's nodes heartbeating, as this one sees them
     * @param users        users holding a connection here
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Health(String status, String cluster, int clusterNodes, int users) {
    }

    private ChildRouter(ChildProcess process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * Starts {@code serve --dev-auth} with {@code serveArgs} added and no HTTP endpoints, and waits
     * until its WebSocket port accepts connections.
     *
     * @param heap the child's {@code -Xmx}, e.g. {@code 1g}
     */
    static ChildRouter start(String heap, List<String> serveArgs) throws IOException, InterruptedException {
        return start(heap, false, serveArgs);
    }

    /**
     * As {@link #start(String, List)}, with {@code /health} and {@code /metrics} on a free port of their
     * own when {@code http} is true.
     */
    static ChildRouter start(String heap, boolean http, List<String> serveArgs) throws IOException, InterruptedException {
        return start(heap, http, serveArgs, Map.of());
    }

    /** As {@link #start(String, boolean, List)}, with {@code env} added to the child's environment. */
    static ChildRouter start(String heap, boolean http, List<String> serveArgs, Map<String, String> env)
            throws IOException, InterruptedException {
        return start(heap, http, serveArgs, env, ChildProcess.Placement.ANYWHERE);
    }

    /** As {@link #start(String, boolean, List, Map)}, run where {@code placement} says. */
    static ChildRouter start(String heap, boolean http, List<String> serveArgs, Map<String, String> env,
                             ChildProcess.Placement placement) throws IOException, InterruptedException {
        return start(List.of("-Xms64m", "-Xmx" + heap), http, serveArgs, env, placement);
    }

    /** As {@link #start(String, boolean, List, Map, ChildProcess.Placement)}, with these options of the child's JVM. */
    static ChildRouter start(List<String> jvmOptions, boolean http, List<String> serveArgs, Map<String, String> env,
                             ChildProcess.Placement placement) throws IOException, InterruptedException {
        int port = ChildProcess.freePort();
        int httpPort = http ? ChildProcess.freePort() : -1;
        List<String> args = new ArrayList<>(List.of("serve", "--dev-auth", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--http-port", Integer.toString(httpPort)));
        args.addAll(serveArgs);
        List<String> command = ChildProcess.java(jvmOptions, "dev.switchboard.router.server.Main", args);
        return new ChildRouter(ChildProcess.start(placement.apply(command), env, port, "bench-router-", Duration.ofSeconds(30)),
                httpPort);
    }

    /**
     * A router.yaml in a temporary file: rate limits and queue bounds raised so that a bench measures
     * routing, not refusals; the trace sample a deployed router has ({@code --dev-auth} alone would
     * trace every message); then {@code more} lines (other top-level keys).
     */
    static Path config(String prefix, List<String> more) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "rate_limits:",
                "  messages: {per_minute: 100000000, burst: 100000000}",
                "  connection: {per_minute: 100000000, burst: 100000000}",
                "  liveness: {per_minute: 100000000, burst: 100000000}",
                "queue: {capacity: 1000000, per_user: 100000}",
                "trace: {sample: " + RouterConfig.DEFAULT_TRACE_SAMPLE + "}"));
        lines.addAll(more);
        Path file = Files.createTempFile(prefix, ".yaml");
        file.toFile().deleteOnExit();
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    URI clientUri() {
        return URI.create("ws://127.0.0.1:" + process.port() + "/ws");
    }

    /** {@code http://127.0.0.1:<port><path>} of its HTTP endpoints. */
    URI httpUri(String path) {
        if (httpPort < 0) {
            throw new IllegalStateException("this router was started without HTTP endpoints");
        }
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    long pid() {
        return process.pid();
    }

    /** Its {@code /health} (needs the HTTP endpoints). */
    Health health() throws IOException, InterruptedException {
        return Json.mapper().readValue(get("/health"), Health.class);
    }

    /**
     * The values of the counters and gauges named in {@code /metrics} (Prometheus text), each summed over
     * its tags; a name the router does not expose is absent.
     */
    Map<String, Double> metrics(List<String> names) throws IOException, InterruptedException {
        Map<String, Double> values = new HashMap<>();
        get("/metrics").lines().filter(line -> !line.startsWith("#")).forEach(line -> {
            int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            if (end > 0 && names.contains(line.substring(0, end))) {
                values.merge(line.substring(0, end), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)),
                        Double::sum);
            }
        });
        return values;
    }

    /** The buckets of histogram {@code name} in its {@code /metrics} now (needs the HTTP endpoints). */
    ScrapedHistogram histogram(String name) throws IOException, InterruptedException {
        return ScrapedHistogram.of(get("/metrics"), name);
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(httpUri(path)).timeout(HTTP_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    Path log() {
        return process.log();
    }

    /** The child's live thread count, from {@code /proc} (0 where there is none). */
    int threads() {
        return process.threads();
    }

    /** The child's CPU time so far, ms ({@code -1} where {@code /proc} has none). */
    long cpuMillis() {
        return process.cpuMillis();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
