package dev.switchboard.console.bench;

import dev.switchboard.router.cluster.ClusterSettings;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Redis the cluster bench's nodes share: one given by URL (left running), or a
 * {@code redis-server} found on {@code PATH}, started on a free loopback port with no persistence
 * and stopped at the end.
 */
final class BenchRedis implements AutoCloseable {
    /** How to get a {@code redis-server}, for the message when there is none. */
    static final String HOW_TO_GET_ONE = "install one (apt-get install redis-server) or take the one inside the"
            + " embedded-redis jar: unzip -p ~/.m2/repository/com/github/codemonstur/embedded-redis/1.4.3/"
            + "embedded-redis-1.4.3.jar redis-server-6.2.6-v5-linux-amd64 > redis-server && chmod +x redis-server"
            + " (then put it on PATH), or pass --redis redis://HOST:PORT";

    private final String url;
    private final ChildProcess server;
    private final String binary;

    private BenchRedis(String url, ChildProcess server, String binary) {
        this.url = url;
        this.server = server;
        this.binary = binary;
    }

    /** A Redis running already; the bench neither starts nor stops it. */
    static BenchRedis external(String url) {
        ClusterSettings.on(url); // refuses what is not redis://HOST:PORT before any node starts
        return new BenchRedis(url, null, null);
    }

    /**
     * Starts {@code redis-server} from {@code PATH} on a free loopback port.
     *
     * @throws IllegalStateException when there is none, saying how to get one
     */
    static BenchRedis startFromPath() throws IOException, InterruptedException {
        Path binary = onPath("redis-server");
        if (binary == null) {
            throw new IllegalStateException("the cluster phase needs a Redis and found no redis-server on PATH: "
                    + HOW_TO_GET_ONE);
        }
        int port = ChildProcess.freePort();
        ChildProcess server = ChildProcess.start(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"), port, "bench-redis-", Duration.ofSeconds(15));
        return new BenchRedis("redis://127.0.0.1:" + port, server, binary.toString());
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    String url() {
        return url;
    }

    /** What it is, for the report: the binary started, or that it was given. */
    String describe() {
        return server == null ? "given: " + url : binary + " on " + url + " (started by the bench, no persistence)";
    }

    /** Its CPU time so far in ms, or {@code -1} when the bench did not start it. */
    long cpuMillis() {
        return server == null ? -1 : server.cpuMillis();
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }
}
