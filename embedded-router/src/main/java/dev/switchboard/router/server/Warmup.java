package dev.switchboard.router.server;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.RolloutSpec;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Warms a just-started JVM up before the router takes its first user. A router of its own, built
 * from the deployed settings but listening on a private loopback port with dev auth, no HTTP port,
 * no cluster and the simulated agent (no backend is called), takes a steady load from loopback
 * clients sending what users send: pings, heartbeats, chat messages and agent runs, of several
 * sizes, several in flight per connection, connections closing and opening. Then it is stopped,
 * and the real router starts in a JVM whose JIT has compiled the routing path and whose collector
 * has sized its young generation under load.
 *
 * <p>Without it a router's first minute of traffic is served by the interpreter and the JIT's
 * first tiers while the compiler threads take CPU from it; on two cores that shows in the tail
 * (performance.md, "The tail from outside"). The clients are Netty's, as the router's transport
 * is, so that what the JIT compiles for them is mostly what the router runs too; the load is paced
 * below what the machine can do, so that the compiler threads have a core while it runs. Nothing
 * of the warm-up shows in the real router: its own metrics registry, its own ports, its users
 * never seen by the real one.
 */
final class Warmup {
    /** Connections open at once. */
    static final int CONNECTIONS = 32;
    /** The pace: messages a second over all connections. */
    private static final int RATE = 5_000;
    /** How often the clients send what is due. */
    private static final int TICK_MS = 10;
    /** Messages one connection has sent and not yet had answered at most; more wait for the next tick. */
    private static final int WINDOW = 16;
    /** Messages a connection sends before it closes and another opens in its place. */
    private static final int MESSAGES_PER_CONNECTION = 200;
    /** Messages in one connection's cycle: mostly liveness, then a chat message and an agent run. */
    private static final int CYCLE = 10;
    /** Text lengths the messages cycle through (capped by the deployed validation and frame limits). */
    private static final int[] TEXT_LENGTHS = {0, 40, 200, 900, 3_000, 9_000, 120};
    /**
     * After the asked time the load goes on until the JIT has compiled nothing for this long: a
     * compilation still queued when the load stops is dropped as stale, and would then happen
     * under the first users' traffic...
     */
    private static final Duration JIT_QUIET = Duration.ofMillis(500);
    /** ...but not longer past the asked time than this, nor than the asked time itself. */
    private static final Duration JIT_WAIT_AT_MOST = Duration.ofSeconds(10);
    private static final RateLimit UNLIMITED = new RateLimit(100_000_000, 100_000_000);

    /**
     * What the warm-up did.
     *
     * @param messages    replies and finished runs the clients got
     * @param runs        runs that ended with {@code agent_completed}
     * @param connections connections opened (each closed after its share of messages)
     * @param errors      {@code error} events the clients got and connections that failed (none is expected)
     * @param took        from the warm-up router's start to its stop
     * @param jitQuiet    whether the JIT fell quiet before the load stopped (else it stopped as
     *                    long past the asked time as it waits at most)
     */
    record Result(long messages, long runs, long connections, long errors, Duration took, boolean jitQuiet) {
    }

    private Warmup() {
    }

    /**
     * Runs the warm-up: {@code traffic} of load and on until the JIT is quiet (at most as long again,
     * and at most 10 s more), then the warm-up router is stopped.
     *
     * @throws IllegalStateException when the warm-up router cannot start or no message was answered
     */
    static Result run(RouterConfig deployed, Duration traffic) throws InterruptedException {
        long started = System.nanoTime();
        RouterConfig config = privateCopy(deployed);
        Router router = Router.builder().config(config).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("switchboard-warmup", true),
                NioIoHandler.newFactory());
        try {
            router.start();
            Load load = new Load(router.clientUri(), config, group);
            load.start();
            TimeUnit.NANOSECONDS.sleep(traffic.toNanos());
            boolean quiet = waitForQuietJit(traffic.compareTo(JIT_WAIT_AT_MOST) < 0 ? traffic : JIT_WAIT_AT_MOST);
            load.stop();
            if (load.messages.sum() == 0) {
                throw new IllegalStateException("no warm-up message was answered by " + router.clientUri());
            }
            return new Result(load.messages.sum(), load.runs.sum(), load.connections.sum(), load.errors.sum(),
                    Duration.ofNanos(System.nanoTime() - started), quiet);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
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

    /** Waits until the JIT has compiled nothing for {@link #JIT_QUIET}; false when it gave up first. */
    private static boolean waitForQuietJit(Duration atMost) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        long giveUpAt = System.nanoTime() + atMost.toNanos();
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < JIT_QUIET.toNanos()) {
            if (System.nanoTime() - giveUpAt >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return true;
    }

    /**
     * The clients: {@value #CONNECTIONS} slots, each holding one connection at a time, fed at
     * {@value #RATE} messages a second by a tick every {@value #TICK_MS} ms on the clients' only
     * thread (so none of this needs a lock).
     */
    private static final class Load {
        private final URI uri;
        private final EventLoopGroup group;
        private final String[] texts;
        private final Driver[] slots = new Driver[CONNECTIONS];
        final LongAdder messages = new LongAdder();
        final LongAdder runs = new LongAdder();
        final LongAdder connections = new LongAdder();
        final LongAdder errors = new LongAdder();
        private volatile boolean stopped;
        private ScheduledFuture<?> ticks;
        private long tickStartedNanos;
        private long due;
        private int next;
        private long generation;

        Load(URI uri, RouterConfig config, EventLoopGroup group) {
            this.uri = uri;
            this.group = group;
            int longest = Math.min(config.validation().maxStringChars(), config.softFrameLimit() - 256) - 64;
            this.texts = new String[TEXT_LENGTHS.length];
            for (int i = 0; i < TEXT_LENGTHS.length; i++) {
                int length = Math.max(0, Math.min(TEXT_LENGTHS[i], longest));
                texts[i] = "lorem ipsum dolor sit amet ".repeat(length / 27 + 1).substring(0, length);
            }
        }

        void start() {
            group.execute(() -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                    connect(i);
                }
                tickStartedNanos = System.nanoTime();
                ticks = group.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
            });
        }

        /**
         * Sends what is due since the load started, filling one slot's window after another, so that
         * a connection's messages leave in bursts that the router's reads cut at any byte, headers
         * included, as a busy client's are.
         */
        private void tick() {
            long owed = (System.nanoTime() - tickStartedNanos) * RATE / 1_000_000_000L - due;
            for (int tried = 0; owed > 0 && tried < CONNECTIONS; tried++) {
                Driver driver = slots[next];
                next = (next + 1) % CONNECTIONS;
                int burst = 0;
                while (driver != null && owed > 0 && driver.send()) {
                    owed--;
                    due++;
                    burst++;
                }
                if (burst > 0) {
                    driver.channel.flush();
                }
            }
            due += Math.max(0, owed); // every window is full: what could not go now is not owed later
        }

        private void connect(int slot) {
            if (stopped) {
                return;
            }
            Driver driver = new Driver(this, slot, "w" + slot + "." + (++generation));
            connections.increment();
            WebSocketClientProtocolConfig handshake = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(URI.create(uri + "?user=warmup-" + driver.name)).maxFramePayloadLength(1 << 20)
                    .handleCloseFrames(true).build();
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536),
                                    new WebSocketClientProtocolHandler(handshake), driver);
                        }
                    })
                    .connect(uri.getHost(), uri.getPort()).addListener(connecting -> {
                        if (!connecting.isSuccess()) {
                            errors.increment();
                            group.schedule(() -> connect(slot), 100, TimeUnit.MILLISECONDS);
                        }
                    });
        }

        /** A slot's connection closed: the next opens, unless the load is over (a while later if it never opened). */
        void closed(Driver driver) {
            if (slots[driver.slot] == driver) {
                slots[driver.slot] = null;
            }
            if (driver.channel == null) {
                errors.increment();
                group.schedule(() -> connect(driver.slot), 100, TimeUnit.MILLISECONDS);
            } else {
                connect(driver.slot);
            }
        }

        void open(Driver driver) {
            slots[driver.slot] = driver;
        }

        String text(long n) {
            return texts[(int) (n % texts.length)];
        }

        /** Stops sending and closes every connection. */
        void stop() throws InterruptedException {
            stopped = true;
            group.submit(() -> {
                if (ticks != null) {
                    ticks.cancel(false);
                }
                for (Driver driver : slots) {
                    if (driver != null) {
                        driver.channel.close();
                    }
                }
            }).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * One connection: sends what the tick asks while it has room in its window, counts what ends a
     * message (its reply, or its run's {@code agent_completed}), and after
     * {@value #MESSAGES_PER_CONNECTION} closes once every message of it is answered: with a close
     * frame, or (every other slot) by dropping the connection.
     */
    private static final class Driver extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final Load load;
        private final int slot;
        private final String name;
        private Channel channel;
        private long sent;
        private int outstanding;
        private String runId;
        private boolean closing;

        Driver(Load load, int slot, String name) {
            this.load = load;
            this.slot = slot;
            this.name = name;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                channel = ctx.channel();
                load.open(this);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            load.closed(this);
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            load.errors.increment();
            ctx.close();
        }

        /** Writes the next message (not flushed); false when the window is full or the connection is done. */
        boolean send() {
            if (closing || outstanding >= WINDOW || sent >= MESSAGES_PER_CONNECTION) {
                return false;
            }
            outstanding++;
            channel.write(new TextWebSocketFrame(next()));
            return true;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame message) {
            String frame = message.text();
            boolean error = frame.contains("\"type\":\"error\"");
            if (error) {
                load.errors.increment();
            }
            boolean ended = frame.contains("\"type\":\"pong\"") || frame.contains("\"type\":\"heartbeat_ack\"")
                    || error && frame.contains("\"reply_to\"");
            if (runId != null && frame.contains("\"type\":\"agent_completed\"")) {
                load.runs.increment();
                runId = null;
                ended = true;
            } else if (error && runId != null && frame.contains("\"reply_to\":\"" + runId + "\"")) {
                runId = null; // the run was refused: its message has ended
            }
            if (!ended) {
                return;
            }
            outstanding--;
            load.messages.increment();
            if (sent >= MESSAGES_PER_CONNECTION && outstanding == 0 && !closing) {
                closing = true;
                if (slot % 2 == 0) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(1000, "warm-up"));
                } else {
                    ctx.close(); // as a client that goes away without a word does
                }
            }
        }

        private String next() {
            long n = sent++;
            String id = name + "-" + n;
            String text = load.text(n);
            int step = (int) (n % CYCLE);
            if (step >= CYCLE - 2 && runId == null) {
                runId = id;
                String type = step == CYCLE - 1 ? "start_agent" : "user_message";
                String tools = step == CYCLE - 1 ? ",\"tools\":[\"web_search\"]" : "";
                return "{\"type\":\"" + type + "\",\"message_id\":\"" + id + "\",\"thread_id\":\"t-" + name
                        + "\",\"payload\":{\"content\":\"Warm-up " + n + ": " + text + "\"" + tools + "}}";
            }
            if (step == CYCLE - 3) {
                return "{\"type\":\"heartbeat\",\"message_id\":\"" + id + "\"}";
            }
            return "{\"type\":\"ping\",\"message_id\":\"" + id + "\",\"payload\":{\"pad\":\"" + text + "\"}}";
        }
    }
}
