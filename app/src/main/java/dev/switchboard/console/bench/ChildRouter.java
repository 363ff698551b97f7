package dev.switchboard.console.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A router in its own JVM, as it is deployed: {@code serve} from this jar's class path on a free
 * loopback port, its output in a temporary log. Killed with the bench if the bench is interrupted.
 */
final class ChildRouter implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final Thread reaper;

    private ChildRouter(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "bench-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code serve --dev-auth} with {@code serveArgs} added and waits until its WebSocket port
     * accepts connections.
     *
     * @param heap the child's {@code -Xmx}, e.g. {@code 1g}
     */
    static ChildRouter start(String heap, List<String> serveArgs) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path logFile = Files.createTempFile("bench-router-", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), "dev.switchboard.router.server.Main",
                "serve", "--dev-auth", "--host", "127.0.0.1", "--port", Integer.toString(port), "--http-port", "-1"));
        command.addAll(serveArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        ChildRouter child = new ChildRouter(process, port, logFile);
        child.awaitListening(Duration.ofSeconds(30));
        return child;
    }

    URI clientUri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    long pid() {
        return process.pid();
    }

    /** The child's live thread count, from {@code /proc} (0 where there is none). */
    int threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private void awaitListening(Duration limit) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the router exited with " + process.exitValue() + "; its log: " + log);
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                Thread.sleep(200); // the listener is open; give warm-up its moment
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("the router did not listen within " + limit.toSeconds() + " s; its log: " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
    }
}
