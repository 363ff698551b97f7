package dev.switchboard.router.server;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.RolloutSpec;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Warms a just-started JVM up before the router takes its first user. A router of its own, built
 * from the deployed settings but listening on a private loopback port with dev auth, no HTTP port,
 * no cluster and the simulated agent (no backend is called), is driven for a while by a few
 * loopback clients sending what users send: pings, heartbeats, chat messages and agent runs. Then
 * it is stopped, and the real router starts in a JVM whose JIT has compiled the routing path and
 * whose collector has sized its young generation under load.
 *
 * <p>Without it a router's first minute of traffic is served by the interpreter and the JIT's
 * first tiers while the compiler threads take CPU from it; on two cores that shows as a tail twice
 * a warm router's (performance.md, "The tail from outside"). Nothing of the warm-up shows in the
 * real router: its own metrics registry, its own ports, its users never seen by the real one.
 */
final class Warmup {
    /** Connections driving the warm-up router, each with one message outstanding at a time. */
    static final int CONNECTIONS = 32;
    /** Messages in one connection's cycle: mostly liveness, then a chat message and an agent run. */
    private static final int CYCLE = 10;
    /** The warm-up ends once the JIT has compiled nothing for this long after the traffic... */
    private static final Duration JIT_QUIET = Duration.ofMillis(500);
    /** ...or once this has passed since the traffic stopped, whichever comes first. */
    private static final Duration JIT_WAIT_AT_MOST = Duration.ofSeconds(5);
    private static final RateLimit UNLIMITED = new RateLimit(100_000_000, 100_000_000);

    /**
     * What the warm-up did.
     *
     * @param messages replies and finished runs the clients got
     * @param runs     runs that ended with {@code agent_completed}
     * @param errors   {@code error} events the clients got (none is expected)
     * @param took     from the warm-up router's start to its stop
     */
    record Result(long messages, long runs, long errors, Duration took) {
    }

    private Warmup() {
    }

    /**
     * Runs the warm-up: {@code traffic} of load, then until the JIT is quiet (at most 5 s more), then
     * the warm-up router is stopped.
     *
     * @throws IllegalStateException when the warm-up router cannot start or no client can connect
     */
    static Result run(RouterConfig deployed, Duration traffic) throws InterruptedException {
        long started = System.nanoTime();
        Router router = Router.builder().config(privateCopy(deployed)).build();
        try {
            router.start();
            LongAdder messages = new LongAdder();
            LongAdder runs = new LongAdder();
            LongAdder errors = new LongAdder();
            long until = System.nanoTime() + traffic.toNanos();
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Driver driver = new Driver("w" + i, until, messages, runs, errors);
                sockets.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(URI.create(router.clientUri() + "?user=warmup-" + i), driver));
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(0, until - System.nanoTime()));
            int connected = 0;
            for (CompletableFuture<WebSocket> socket : sockets) {
                WebSocket open = socket.getNow(null);
                if (open != null) {
                    connected++;
                    open.abort();
                }
            }
            if (connected == 0) {
                throw new IllegalStateException("no warm-up client could connect to " + router.clientUri());
            }
            waitForQuietJit();
            return new Result(messages.sum(), runs.sum(), errors.sum(), Duration.ofNanos(System.nanoTime() - started));
        } finally {
            router.stop();
        }
    }

    /**
     * The deployed settings with what must not leave the warm-up changed: a private loopback port,
     * no HTTP port, dev auth, no cluster, only the simulated agent (steps without delay, no failures),
     * no rollout, limits the clients cannot reach. Validation, classification, the queue, breakers,
     * frame limits and the trace sample stay as deployed, so that their code is what gets compiled.
     */
    static RouterConfig privateCopy(RouterConfig deployed) {
        return deployed.toBuilder()
                .host("127.0.0.1").port(0).httpPort(-1).devAuth(true).cluster(null)
                .backends(List.of()).rollout(RolloutSpec.off())
                .agent(deployed.agent().withStepDelay(Duration.ZERO).withFailureRate(0).withWarmUp(Duration.ZERO))
                .rateLimits(new RateLimitPolicy(UNLIMITED, UNLIMITED, UNLIMITED, Map.of()))
                .traceSample(deployed.traceSample())
                .build();
    }

    private static void waitForQuietJit() throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long giveUpAt = System.nanoTime() + JIT_WAIT_AT_MOST.toNanos();
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < giveUpAt && System.nanoTime() - quietSince < JIT_QUIET.toNanos()) {
            TimeUnit.MILLISECONDS.sleep(50);
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /**
     * One warm-up connection: sends a message, waits for what ends it (its reply, or its run's
     * {@code agent_completed}), sends the next, until the traffic time is up.
     */
    private static final class Driver implements WebSocket.Listener {
        private final String name;
        private final long until;
        private final LongAdder messages;
        private final LongAdder runs;
        private final LongAdder errors;
        private final StringBuilder partial = new StringBuilder();
        private CompletableFuture<WebSocket> sending;
        private long sent;
        private String awaitedReply;
        private boolean awaitingRun;

        Driver(String name, long until, LongAdder messages, LongAdder runs, LongAdder errors) {
            this.name = name;
            this.until = until;
            this.messages = messages;
            this.runs = runs;
            this.errors = errors;
        }

        @Override
        public void onOpen(WebSocket socket) {
            sending = CompletableFuture.completedFuture(socket);
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                received(socket, frame);
            }
            socket.request(1);
            return null;
        }

        private void received(WebSocket socket, String frame) {
            if (frame.contains("\"type\":\"connection_established\"")) {
                sendNext(socket);
                return;
            }
            boolean error = frame.contains("\"type\":\"error\"");
            if (error) {
                errors.increment();
            }
            boolean answered = awaitedReply != null && frame.contains("\"reply_to\":\"" + awaitedReply + "\"")
                    && (error || !awaitingRun);
            if (awaitingRun && frame.contains("\"type\":\"agent_completed\"")) {
                runs.increment();
                answered = true;
            }
            if (answered) {
                messages.increment();
                sendNext(socket);
            }
        }

        private void sendNext(WebSocket socket) {
            if (System.nanoTime() - until >= 0) {
                awaitedReply = null;
                return;
            }
            long n = sent++;
            String id = name + "-" + n;
            awaitedReply = id;
            int step = (int) (n % CYCLE);
            awaitingRun = step >= CYCLE - 2;
            String frame;
            if (step == CYCLE - 1) {
                frame = "{\"type\":\"start_agent\",\"message_id\":\"" + id + "\",\"thread_id\":\"t-" + name
                        + "\",\"payload\":{\"content\":\"Warm-up run " + n + ": what is the weather in Paris?\","
                        + "\"tools\":[\"web_search\"]}}";
            } else if (step == CYCLE - 2) {
                frame = "{\"type\":\"user_message\",\"message_id\":\"" + id + "\",\"thread_id\":\"t-" + name
                        + "\",\"payload\":{\"content\":\"Warm-up message " + n + ": summarise the last answer.\"}}";
            } else if (step == CYCLE - 3) {
                frame = "{\"type\":\"heartbeat\",\"message_id\":\"" + id + "\"}";
            } else {
                frame = "{\"type\":\"ping\",\"message_id\":\"" + id + "\"}";
            }
            // one send at a time on a JDK WebSocket: chain on the last one, though it has always
            // completed by the time its reply came
            sending = sending.thenCompose(open -> open.sendText(frame, true));
        }
    }
}
