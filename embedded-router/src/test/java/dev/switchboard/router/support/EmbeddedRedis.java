package dev.switchboard.router.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} (the binary embedded-redis ships) on a free loopback port, with no
 * persistence: what the cluster tests run against. It can be stopped and started again on the same
 * port, as a Redis restart looks to its clients.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private final int port;
    private RedisServer server;

    private EmbeddedRedis(int port) {
        this.port = port;
    }

    /** Starts a Redis on a free port. */
    public static EmbeddedRedis start() {
        EmbeddedRedis redis = new EmbeddedRedis(freePort());
        redis.startAgain();
        return redis;
    }

    /**
     * One Redis for all the tests of a class, as a JUnit extension:
     * {@code @RegisterExtension static final EmbeddedRedis.PerClass REDIS = new EmbeddedRedis.PerClass();}
     */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private EmbeddedRedis redis;

        @Override
        public void beforeAll(ExtensionContext context) {
            redis = start();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            redis.close();
        }

        /** The running Redis. */
        public EmbeddedRedis redis() {
            return redis;
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the server (its data is gone, as after a restart without persistence). */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }
    }

    /** Starts the server again on the same port. */
    public synchronized void startAgain() {
        try {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server on port " + port, e);
        }
    }

    /** Forgets the commands counted so far ({@code CONFIG RESETSTAT}). */
    public void resetCommandStats() {
        admin(redis -> redis.configResetstat());
    }

    /**
     * Commands Redis executed since the last {@link #resetCommandStats()}, by name ({@code INFO
     * commandstats}), the ones this class sends to ask excepted.
     */
    public Map<String, Long> commandCalls() {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : admin(redis -> redis.info("commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String field = line.substring(line.indexOf("calls=") + "calls=".length());
                calls.put(name, Long.parseLong(field.substring(0, field.indexOf(','))));
            }
        }
        calls.keySet().removeAll(Set.of("info", "config", "hello", "client"));
        return calls;
    }

    private <T> T admin(Function<RedisCommands<String, String>, T> command) {
        RedisClient client = RedisClient.create(url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return command.apply(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
