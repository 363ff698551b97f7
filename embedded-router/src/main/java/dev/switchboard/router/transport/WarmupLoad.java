package dev.switchboard.router.transport;

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
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The load of {@code serve --warmup} (see {@code server.Warmup}): loopback WebSocket clients that
 * send what users send, authenticated as users are, at a steady pace. The clients are Netty's, as
 * the router's transport is, so that what the JIT compiles for them is mostly what the router runs
 * too.
 *
 * <ul>
 *   <li>{@code ping} and {@code heartbeat}, {@code user_message} and {@code start_agent} with a tool,
 *       with texts of 0 to 9,000 characters (capped by {@code longestText});</li>
 *   <li>{@value #RATE} messages a second, below what two cores can do, so that the compiler threads
 *       keep a core;</li>
 *   <li>up to {@value #WINDOW} messages in flight per connection, sent in bursts that the router's
 *       reads cut at any byte, headers included;</li>
 *   <li>{@value #CONNECTIONS} connections at a time, each a new user, each closing after
 *       {@value #MESSAGES_PER_CONNECTION} messages by default (with a close frame, or every other one
 *       by dropping the socket) for another to open in its place.</li>
 * </ul>
 *
 * <p>Everything runs on the clients' one thread, so none of it needs a lock.
 */
public final class WarmupLoad {
    /** Connections open at once. */
    public static final int CONNECTIONS = 32;
    /** The pace: messages a second over all connections. */
    private static final int RATE = 5_000;
    /** How often the clients send what is due. */
    private static final int TICK_MS = 10;
    /** Messages one connection has sent and not yet had answered at most; more wait for the next tick. */
    private static final int WINDOW = 16;
    /** Messages a connection sends before it closes and another opens in its place, by default. */
    public static final int MESSAGES_PER_CONNECTION = 200;
    /** Messages in one connection's cycle: mostly liveness, then a chat message and an agent run. */
    private static final int CYCLE = 10;
    /** Text lengths the messages cycle through. */
    private static final int[] TEXT_LENGTHS = {0, 40, 200, 900, 3_000, 9_000, 120};

    private final URI uri;
    private final Function<String, String> bearerFor;
    private final int messagesPerConnection;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("switchboard-warmup", true), NioIoHandler.newFactory());
    private final String[] texts;
    private final Driver[] slots = new Driver[CONNECTIONS];
    private final LongAdder messages = new LongAdder();
    private final LongAdder runs = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile boolean stopped;
    private ScheduledFuture<?> ticks;
    private long tickStartedNanos;
    private long due;
    private int next;
    private long generation;

    /**
     * A load on the router listening at {@code uri}, not started.
     *
     * @param bearerFor   the token a new user of this name presents
     * @param longestText the longest text a message may carry (its validation and frame limits)
     * @param messagesPerConnection messages a connection sends before it closes and another opens
     *                    ({@link #MESSAGES_PER_CONNECTION} for the warm-up itself)
     */
    public WarmupLoad(URI uri, Function<String, String> bearerFor, int longestText, int messagesPerConnection) {
        if (messagesPerConnection < CYCLE) {
            throw new IllegalArgumentException("a connection sends at least one cycle of " + CYCLE + " messages");
        }
        this.uri = uri;
        this.bearerFor = bearerFor;
        this.messagesPerConnection = messagesPerConnection;
        this.texts = new String[TEXT_LENGTHS.length];
        for (int i = 0; i < TEXT_LENGTHS.length; i++) {
            int length = Math.max(0, Math.min(TEXT_LENGTHS[i], longestText));
            texts[i] = "lorem ipsum dolor sit amet ".repeat(length / 27 + 1).substring(0, length);
        }
    }

    /** Opens the connections and starts sending. */
    public void start() {
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
                .webSocketUri(uri).maxFramePayloadLength(1 << 20)
                .customHeaders(new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION,
                        "Bearer " + bearerFor.apply("warmup-" + driver.name)))
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
    private void closed(Driver driver) {
        if (slots[driver.slot] == driver) {
            slots[driver.slot] = null;
        }
        if (stopped) {
            return;
        }
        if (driver.channel == null) {
            errors.increment();
            group.schedule(() -> connect(driver.slot), 100, TimeUnit.MILLISECONDS);
        } else {
            connect(driver.slot);
        }
    }

    private void open(Driver driver) {
        slots[driver.slot] = driver;
    }

    private String text(long n) {
        return texts[(int) (n % texts.length)];
    }

    /** Replies and finished runs the clients got. */
    public long messages() {
        return messages.sum();
    }

    /** Runs that ended with {@code agent_completed}. */
    public long runs() {
        return runs.sum();
    }

    /** Connections opened. */
    public long connections() {
        return connections.sum();
    }

    /** {@code error} events the clients got and connections that failed. */
    public long errors() {
        return errors.sum();
    }

    /** Stops sending, closes every connection and releases the clients' thread. */
    public void stop() throws InterruptedException {
        stopped = true;
        try {
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
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * One connection: sends what the tick asks while it has room in its window, counts what ends a
     * message (its reply, or its run's {@code agent_completed}), and after its share of messages
     * closes once every message of it is answered: with a close frame, or (every other slot) by
     * dropping the connection.
     */
    private static final class Driver extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final WarmupLoad load;
        private final int slot;
        private final String name;
        private Channel channel;
        private long sent;
        private int outstanding;
        private String runId;
        private boolean closing;

        Driver(WarmupLoad load, int slot, String name) {
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
            if (channel != null) {
                load.errors.increment(); // one that never opened is counted when it closes
            }
            ctx.close();
        }

        /** Writes the next message (not flushed); false when the window is full or the connection is done. */
        boolean send() {
            if (closing || outstanding >= WINDOW || sent >= load.messagesPerConnection) {
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
            if (sent >= load.messagesPerConnection && outstanding == 0 && !closing) {
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
                boolean agent = (n / CYCLE) % 2 == 0; // cycles take turns: start_agent, then user_message
                String type = agent ? "start_agent" : "user_message";
                String tools = agent ? ",\"tools\":[\"web_search\"]" : "";
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
