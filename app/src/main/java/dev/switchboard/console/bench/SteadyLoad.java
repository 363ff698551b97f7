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
 * {@code duration}. No JavaFX: the console's load check ({@link ConsoleLoadCheck}) drives it.
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
