package dev.switchboard.router.agents.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.switchboard.router.protocol.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An agent service on the JDK's HTTP server that speaks the run protocol of {@code src/docs/agents.md}:
 * the Java twin of {@code src/examples/agent-service/agent_service.py}, for tests and the benchmark, so
 * neither needs Python. What it answers each run is a {@link Script}; {@link #standard} is what the
 * Python example does. Streams are written by a small scheduler, not a thread per run, so a thousand
 * concurrent runs cost it a thousand sockets and no more threads. Binds to 127.0.0.1 only.
 */
public final class ExampleAgentService implements AutoCloseable {

    /** What the service answers one run: status, content type, then steps written over time. */
    public record Reply(int status, String contentType, List<Step> steps, long keepAliveMs) {
        public Reply {
            Objects.requireNonNull(contentType, "contentType must not be null");
            steps = List.copyOf(steps);
        }

        /** A 200 event stream of these steps. */
        public static Reply stream(List<Step> steps) {
            return new Reply(200, "text/event-stream", steps, 0);
        }

        /** The same reply with a {@code :} comment written whenever the stream has been quiet this long. */
        public Reply withKeepAlive(long millis) {
            return new Reply(status, contentType, steps, millis);
        }
    }

    /** One thing written after a delay: SSE text, or the end of the stream (with or without closing). */
    public record Step(long delayMs, String text, boolean closes, boolean hangs, boolean stamped) {
        public Step(long delayMs, String text, boolean closes, boolean hangs) {
            this(delayMs, text, closes, hangs, false);
        }

        /**
         * An event whose JSON object gets {@code "sent_ns"}: the service's {@link System#nanoTime()} as it
         * writes it, so a client in the same JVM can tell how long the event took through the router.
         */
        public static Step stamped(long delayMs, String type, String json) {
            if (!json.endsWith("}")) {
                throw new IllegalArgumentException("a stamped event's data must be a JSON object");
            }
            return new Step(delayMs, "event: " + type + "\ndata: " + json.substring(0, json.length() - 1)
                    + (json.length() > 2 ? "," : "") + "\"sent_ns\":", false, false, true);
        }

        /** An event with its type and its JSON data on one {@code data:} line. */
        public static Step event(long delayMs, String type, String json) {
            return new Step(delayMs, "event: " + type + "\ndata: " + json + "\n\n", false, false);
        }

        /** Raw text as it is (garbage, comments, odd line ends). */
        public static Step raw(long delayMs, String text) {
            return new Step(delayMs, text, false, false);
        }

        /** Closes the connection without ending the HTTP response (a crash mid-stream). */
        public static Step disconnect(long delayMs) {
            return new Step(delayMs, "", true, false);
        }

        /** Keeps the stream open and silent until the router gives up. */
        public static Step hang() {
            return new Step(0, "", false, true);
        }
    }

    /** Chooses the reply to a run from its request body. */
    @FunctionalInterface
    public interface Script {
        Reply reply(JsonNode run);
    }

    /** A received run: its body and headers. */
    public record ReceivedRun(JsonNode body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private static final ObjectMapper JSON = Json.mapper();

    private final HttpServer server;
    private final ExecutorService acceptor = Executors.newFixedThreadPool(8, daemon("example-agent-http"));
    private final ScheduledExecutorService writer = Executors.newScheduledThreadPool(8, daemon("example-agent-writer"));
    private final ConcurrentLinkedQueue<ReceivedRun> received = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder finished = new LongAdder();
    private final LongAdder healthChecks = new LongAdder();
    private volatile Script script;

    static {
        // Events are small writes: without TCP_NODELAY, Nagle's algorithm holds each one until the
        // previous is acknowledged, and a delayed ACK makes that up to 40 ms (read once, when the JDK's
        // server first loads its configuration).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private ExampleAgentService(int port, Script script) throws IOException {
        this.script = Objects.requireNonNull(script, "script must not be null");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(acceptor);
        server.createContext("/runs", this::run);
        server.createContext("/health", this::health);
        server.start();
    }

    /** Starts a service on 127.0.0.1 (port 0: any free port). */
    public static ExampleAgentService start(int port, Script script) throws IOException {
        return new ExampleAgentService(port, script);
    }

    /**
     * What the Python example does: thinking, one tool (the first the run asks for, else web_search),
     * thinking, completed; {@code delayMs} before each event.
     */
    public static Script standard(long delayMs) {
        return run -> {
            String content = run.path("content").asText("");
            String tool = run.path("tools").path(0).asText("web_search");
            return Reply.stream(List.of(
                    Step.event(delayMs, "agent_thinking", json(Map.of("thought",
                            "Reading the request (" + content.length() + " characters)"))),
                    Step.event(delayMs, "tool_executing", json(Map.of("tool", tool,
                            "input", Map.of("query", content.substring(0, Math.min(80, content.length())))))),
                    Step.event(delayMs, "tool_completed", json(Map.of("tool", tool,
                            "output", Map.of("summary", tool + " found 3 results"), "duration_ms", delayMs))),
                    Step.event(delayMs, "agent_thinking", json(Map.of("thought", "Composing the answer"))),
                    Step.event(delayMs, "agent_completed", json(Map.of("status", "completed",
                            "result", "Example answer to: " + content)))));
        };
    }

    /** Serialises a map as JSON, for scripts. */
    public static String json(Map<String, ?> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public URI runsUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/runs");
    }

    public URI healthUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
    }

    public void script(Script next) {
        this.script = Objects.requireNonNull(next, "script must not be null");
    }

    /** Whether {@code /health} answers 200 (else 503). */
    public void healthy(boolean value) {
        healthy.set(value);
    }

    /** Runs received so far, oldest first. */
    public List<ReceivedRun> received() {
        return new ArrayList<>(received);
    }

    /** Streams the router closed before the script was done (a write failed). */
    public long aborted() {
        return aborted.sum();
    }

    /** Streams written to their end. */
    public long finished() {
        return finished.sum();
    }

    /** Streams open now. */
    public int open() {
        return open.get();
    }

    public long healthChecks() {
        return healthChecks.sum();
    }

    private void health(HttpExchange exchange) throws IOException {
        healthChecks.increment();
        byte[] body = (healthy.get() ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(healthy.get() ? 200 : 503, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void run(HttpExchange exchange) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        } catch (IOException e) {
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
            return;
        }
        received.add(new ReceivedRun(body, Map.copyOf(exchange.getRequestHeaders())));
        Reply reply = script.reply(body == null ? JSON.createObjectNode() : body);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(reply.status(), 0);
        open.incrementAndGet();
        if (reply.steps().stream().anyMatch(Step::closes)) {
            crash(exchange, reply);
        } else {
            new Stream(exchange, reply).next(0);
        }
    }

    /**
     * Writes the steps up to the disconnect on this thread, then throws: the JDK server then drops the
     * connection without ending the chunked response, which is what a crashing service looks like.
     */
    private void crash(HttpExchange exchange, Reply reply) throws IOException {
        OutputStream out = exchange.getResponseBody();
        try {
            for (Step step : reply.steps()) {
                Thread.sleep(step.delayMs());
                if (step.closes()) {
                    break;
                }
                out.write(step.text().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
        throw new IOException("the example service crashes mid-stream, as scripted");
    }

    /** One response being written, step by step, on the writer threads. */
    private final class Stream {
        private final HttpExchange exchange;
        private final Reply reply;
        private final OutputStream out;
        private final AtomicBoolean ended = new AtomicBoolean();

        Stream(HttpExchange exchange, Reply reply) {
            this.exchange = exchange;
            this.reply = reply;
            this.out = exchange.getResponseBody();
        }

        void next(int index) {
            if (index >= reply.steps().size()) {
                end(true);
                return;
            }
            Step step = reply.steps().get(index);
            if (step.hangs()) {
                keepAliveOrWait(() -> { }, Long.MAX_VALUE);
                return;
            }
            keepAliveOrWait(() -> write(step, index), step.delayMs());
        }

        /** Waits {@code delayMs} then runs {@code then}, writing keep-alive comments meanwhile if asked. */
        private void keepAliveOrWait(Runnable then, long delayMs) {
            long every = reply.keepAliveMs();
            if (every > 0 && delayMs > every) {
                writer.schedule(() -> {
                    if (send(": keep-alive\n\n")) {
                        keepAliveOrWait(then, delayMs == Long.MAX_VALUE ? delayMs : delayMs - every);
                    }
                }, every, TimeUnit.MILLISECONDS);
            } else if (delayMs != Long.MAX_VALUE) {
                writer.schedule(then, delayMs, TimeUnit.MILLISECONDS);
            }
        }

        private void write(Step step, int index) {
            if (send(step.stamped() ? step.text() + System.nanoTime() + "}\n\n" : step.text())) {
                next(index + 1);
            }
        }

        private boolean send(String text) {
            if (ended.get()) {
                return false;
            }
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException e) {
                aborted.increment();
                end(false);
                return false;
            }
        }

        private void end(boolean complete) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            open.decrementAndGet();
            if (complete) {
                finished.increment();
                try {
                    out.close();
                } catch (IOException e) {
                    aborted.increment();
                }
            }
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        writer.shutdownNow();
        acceptor.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** For scripts that build data with Jackson. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
