package dev.switchboard.console.bench;

import dev.switchboard.console.ws.ClientConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady open-loop load: {@code users} virtual users over the JDK's WebSocket client, each sending
 * {@code perUserPerSecond} messages a second (pings, typing and content validations, and one agent
 * run every {@code runEvery} messages) until stopped. Bounded: it stops by itself after
 * {@code duration}. No JavaFX: the console's load check ({@link ConsoleLoadCheck}) drives it, in its
 * own JVM or, through {@link #main}, in a process of its own.
 */
public final class SteadyLoad implements AutoCloseable {
    private static final String[] CHEAP = {
        "{\"type\":\"ping\"}",
        "{\"type\":\"typing\",\"payload\":{\"state\":\"start\"}}",
        "{\"type\":\"validate_content\",\"payload\":{\"content\":\"How are the routing tables today?\"}}",
        "{\"type\":\"heartbeat\"}",
    };
    private static final String RUN = "{\"type\":\"user_message\",\"payload\":{\"content\":\"status report\"}}";

    private final URI clientUri;
    private final int users;
    private final int perUserPerSecond;
    private final int runEvery;
    private final Duration duration;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "sim-steady-load");
        thread.setDaemon(true);
        return thread;
    });
    private final List<User> connected = new ArrayList<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    private static final class User {
        final ClientConnection connection;
        volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        long count;

        User(ClientConnection connection) {
            this.connection = connection;
        }
    }

    /**
     * @param clientUri        {@code ws://host:port/ws} (dev auth: users are {@code load-0} …)
     * @param users            virtual users
     * @param perUserPerSecond messages each sends a second
     * @param runEvery         every how many messages one is a {@code user_message} (0: never)
     * @param duration         when to stop by itself
     */
    public SteadyLoad(URI clientUri, int users, int perUserPerSecond, int runEvery, Duration duration) {
        this.clientUri = Objects.requireNonNull(clientUri, "clientUri must not be null");
        this.users = users;
        this.perUserPerSecond = perUserPerSecond;
        this.runEvery = runEvery;
        this.duration = duration;
    }

    /** Connects every user (in parallel) and starts sending. */
    public void start() {
        List<User> opening = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            ClientConnection connection = ClientConnection.builder(client).listener(text -> received.increment()).build();
            opening.add(new User(connection));
            pending.add(connection.open(new ClientConnection.Target(URI.create(clientUri + "?user=load-" + i), null)));
        }
        for (int i = 0; i < users; i++) {
            pending.get(i).join();
            connected.add(opening.get(i));
        }
        long periodMicros = 1_000_000L / perUserPerSecond;
        ticker.scheduleAtFixedRate(this::sendRound, 0, periodMicros, TimeUnit.MICROSECONDS);
        ticker.schedule(this::close, duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One message from every user whose previous send has gone out (a user never queues sends). */
    private void sendRound() {
        for (User user : connected) {
            if (!user.last.isDone()) {
                skipped.increment();
                continue;
            }
            user.count++;
            String text = runEvery > 0 && user.count % runEvery == 0 ? RUN : CHEAP[(int) (user.count % CHEAP.length)];
            user.last = user.connection.send(text);
            sent.increment();
        }
    }

    /**
     * Runs the load in this process until it stops by itself, printing what it sent every 10 s and
     * a last line {@code sent=N skipped=N}: {@code --url ws://… --users N --rate N --run-every N --seconds N}.
     */
    public static void main(String[] args) throws InterruptedException {
        java.util.Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Duration duration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("--seconds", "600")));
        try (SteadyLoad load = new SteadyLoad(URI.create(Objects.requireNonNull(options.get("--url"), "--url is required")),
                Integer.parseInt(options.getOrDefault("--users", "500")),
                Integer.parseInt(options.getOrDefault("--rate", "20")),
                Integer.parseInt(options.getOrDefault("--run-every", "50")), duration)) {
            load.start();
            System.out.printf("connected=%d%n", load.connectedUsers());
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                TimeUnit.SECONDS.sleep(Math.max(1, Math.min(10, (end - System.nanoTime()) / 1_000_000_000L)));
                System.out.printf("sent=%d skipped=%d received=%d%n", load.sent(), load.skipped(), load.received());
            }
        }
    }

    public long sent() {
        return sent.sum();
    }

    public long received() {
        return received.sum();
    }

    /** Sends not made because the user's previous one was still going out (the target rate was not met). */
    public long skipped() {
        return skipped.sum();
    }

    public int connectedUsers() {
        return connected.size();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (User user : connected) {
            user.connection.abort();
        }
    }
}
