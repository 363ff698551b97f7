package dev.switchboard.router.transport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /health}, {@code /ready} and {@code /metrics} on the JDK's HTTP server, one thread.
 */
public final class HttpEndpoints {
    /** What {@code /ready} or {@code /health} reports: 200 when {@code ready}, else 503. */
    public record Readiness(boolean ready, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param address   where to listen
     * @param health    {@code /health}: 200 when up, else 503, with a JSON body
     * @param readiness {@code /ready}: 200 when ready, else 503, with a JSON body
     * @param metrics   the Prometheus exposition text
     */
    public HttpEndpoints(InetSocketAddress address, Supplier<Readiness> health, Supplier<Readiness> readiness,
                         Supplier<String> metrics) throws IOException {
        this.server = HttpServer.create(address, 16);
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "switchboard-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/health", exchange -> {
            Readiness state = health.get();
            answer(exchange, state.ready() ? 200 : 503, "application/json", state.body());
        });
        server.createContext("/ready", exchange -> {
            Readiness state = readiness.get();
            answer(exchange, state.ready() ? 200 : 503, "application/json", state.body());
        });
        server.createContext("/metrics", exchange ->
                answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    }

    public void start() {
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
