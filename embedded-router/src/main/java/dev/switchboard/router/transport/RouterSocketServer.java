package dev.switchboard.router.transport;

import dev.switchboard.router.hooks.FrameTap;
import dev.switchboard.router.hooks.SideEndpoint;
import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.auth.AuthenticationFailed;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.connections.Connection;
import dev.switchboard.router.connections.ConnectionClose;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.FrameRejection;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.routing.MessageRouter;
import dev.switchboard.router.trace.MessageTrace;
import dev.switchboard.router.trace.Tracer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client endpoint {@code ws://HOST:PORT/ws} and its side endpoints (the monitor), on Netty:
 * bounds every socket before it is authenticated (handshake bytes, handshake time, sockets still
 * handshaking, connections in total and per user), authenticates the handshake, registers the
 * connection, checks frame sizes, decodes, and hands each message to the router. Work here runs on
 * the I/O threads and never blocks; agent runs go to their own executor. The listener survives
 * running out of file descriptors and is bound again if it is ever lost; {@link #listenerStatus()}
 * says which.
 */
public final class RouterSocketServer {
    /** The path clients connect to. */
    public static final String CLIENT_PATH = "/ws";
    /** The WebSocket protocol version sent in {@code connection_established}. */
    public static final int PROTOCOL_VERSION = 1;

    private static final Logger log = LoggerFactory.getLogger(RouterSocketServer.class);
    private static final AttributeKey<SocketSlot> SLOT = AttributeKey.valueOf("switchboard.slot");
    private static final AttributeKey<WebSocketSession> SESSION = AttributeKey.valueOf("switchboard.session");
    private static final long REBIND_DELAY_MS = 1_000;

    private final InetSocketAddress address;
    private final TransportLimits limits;
    private final int hardFrameLimit;
    private final int ioThreads;
    private final HandshakeAuthenticator authenticator;
    private final ConnectionRegistry connections;
    private final MessageRouter messageRouter;
    private final JsonCodec codec;
    private final Clock clock;
    private final FrameIntake admission;
    private final Protection protection;
    private final Dispatcher dispatcher;
    private final Map<String, SideEndpoint> sideEndpoints = new ConcurrentHashMap<>();
    private final Set<Channel> sockets = ConcurrentHashMap.newKeySet();
    /** Sockets still handshaking, oldest first. */
    private final ConcurrentLinkedDeque<Channel> handshaking = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    /** Sockets evicted from the pending set whose close has not completed yet (they still hold a descriptor). */
    private final AtomicInteger evictedClosing = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final TransportStats stats = new TransportStats();
    private final CompletableFuture<Integer> started = new CompletableFuture<>();
    private volatile TrafficListener traffic = TrafficListener.NONE;
    private volatile FrameTap frameTap = FrameTap.NONE;
    private volatile Tracer tracer = Tracer.OFF;
    private volatile ListenerStatus status;
    private volatile Channel listener;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private ServerBootstrap bootstrap;

    private volatile SocketMessageContext.AnswerTimer answerTimer = SocketMessageContext.AnswerTimer.NONE;
    private volatile LongConsumer handshakeTimer = nanos -> { };

    /**
     * The state of an accepted client connection. {@code sharedCheck} is the last message still
     * waiting for the cluster-wide rate limit: later ones queue behind it so they reach the dispatch
     * queue in the order they came (touched on the socket's I/O thread only).
     */
    private static final class Session {
        private final Principal principal;
        private final Connection connection;
        private final Executor io;
        private CompletableFuture<Void> sharedCheck = CompletableFuture.completedFuture(null);

        Session(Principal principal, Connection connection, Executor io) {
            this.principal = principal;
            this.connection = connection;
            this.io = io;
        }

        Principal principal() {
            return principal;
        }

        Connection connection() {
            return connection;
        }
    }

    /**
     * @param address        where to listen
     * @param limits         what a socket may hold before it is refused
     * @param ioThreads      I/O threads serving the connections
     * @param tokens         verifies JWTs, or null when no secret is configured
     * @param devAuth        whether {@code ?user=} is accepted
     * @param connections    the connection registry
     * @param messageRouter  the message router
     * @param codec          the wire codec
     * @param clock          time source
     * @param softFrameLimit bytes over which a frame gets {@code too_large}
     * @param hardFrameLimit bytes over which a message closes the connection with 1009
     * @param protection     validation, classification and rate limiting
     * @param dispatcher     the dispatch queue and its workers (started and stopped with the server)
     */
    public RouterSocketServer(InetSocketAddress address, TransportLimits limits, int ioThreads, TokenService tokens,
                              boolean devAuth, ConnectionRegistry connections, MessageRouter messageRouter, JsonCodec codec,
                              Clock clock, int softFrameLimit, int hardFrameLimit, Protection protection,
                              Dispatcher dispatcher) {
        this.address = address;
        this.limits = limits;
        this.hardFrameLimit = hardFrameLimit;
        this.ioThreads = ioThreads;
        this.authenticator = new HandshakeAuthenticator(tokens, devAuth);
        this.connections = connections;
        this.messageRouter = messageRouter;
        this.codec = codec;
        this.clock = clock;
        this.admission = new FrameIntake(codec, protection, softFrameLimit);
        this.protection = protection;
        this.dispatcher = dispatcher;
        this.status = new ListenerStatus(ListenerStatus.State.STARTING, clock.instant(), "not started");
    }

    /**
     * Adds an endpoint beside {@code /ws} (before {@link #start()}).
     *
     * @param path where it listens, e.g. {@code /monitor}
     */
    public void sideEndpoint(String path, SideEndpoint endpoint) {
        sideEndpoints.put(path, endpoint);
    }

    /** Sets which messages are traced and where their traces are kept. */
    public void tracer(Tracer messageTracer) {
        this.tracer = Objects.requireNonNull(messageTracer, "messageTracer must not be null");
    }

    /** Sets who hears every text frame a client sends, before anything checks it. */
    public void frameTap(FrameTap tap) {
        this.frameTap = tap;
    }

    /** Sets who hears about client traffic. */
    public void traffic(TrafficListener listener) {
        this.traffic = listener;
    }

    /** Completes with the bound port once listening, or exceptionally when binding failed. */
    public CompletableFuture<Integer> started() {
        return started;
    }

    public TransportStats stats() {
        return stats;
    }

    /** Whether the listener accepts connections now, and if not, since when and why. */
    public ListenerStatus listenerStatus() {
        return status;
    }

    /** What the listener's guard says, unless the server is stopping (then it stays stopped). */
    private void listenerStatus(ListenerStatus next) {
        if (!stopping.get()) {
            status = next;
        }
    }

    /** Sockets accepted and still handshaking. */
    public int pendingHandshakes() {
        return pending.get();
    }

    /** The limits this server enforces. */
    public TransportLimits limits() {
        return limits;
    }

    /** Starts dispatching: messages held during start-up first. */
    public void resumeDispatch() {
        dispatcher.resume();
    }

    /** The bound port, or -1 before binding. */
    public int port() {
        Channel bound = listener;
        return bound == null ? -1 : ((InetSocketAddress) bound.localAddress()).getPort();
    }

    /** Binds the listener; {@link #started()} completes when it is bound. */
    public void start() {
        TransportWarmUp.run(limits, codec, hardFrameLimit);
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("switchboard-accept", true),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("switchboard-io", true),
                NioIoHandler.newFactory());
        bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<io.netty.channel.socket.ServerSocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.ServerSocketChannel listening) {
                        // one guard per listening socket: a rebound listener starts with a fresh one
                        listening.pipeline().addLast(new AcceptGuard(RouterSocketServer.this::admitSocket,
                                RouterSocketServer.this::listenerStatus, stats, clock));
                    }
                })
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.SO_SNDBUF, limits.socketSendBuffer())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        HandshakeHandler handshake = new HandshakeHandler(limits, stats, codec, hardFrameLimit,
                                RouterSocketServer.this::decide, () -> upgraded(channel));
                        channel.pipeline()
                                .addLast("head-lines", new HeaderLineLimit(HandshakeHandler.MAX_HEAD_LINES,
                                        ctx -> handshake.tooManyLines(ctx.channel())))
                                .addLast(HandshakeHandler.HTTP_CODEC, new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(limits.maxRequestLineBytes())
                                        .setMaxHeaderSize(limits.maxHeaderBytes())
                                        .setMaxChunkSize(8192)))
                                .addLast("handshake", handshake);
                    }
                });
        bootstrap.bind(address).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                started.completeExceptionally(bound.cause());
                return;
            }
            listening(bound.channel());
            dispatcher.start();
            started.complete(port());
        });
    }

    private void listening(Channel bound) {
        listener = bound;
        listenerStatus(new ListenerStatus(ListenerStatus.State.LISTENING, clock.instant(), null));
        bound.closeFuture().addListener(closed -> listenerLost());
    }

    /** The listening socket closed without a stop: say so, and bind it again until it works. */
    private void listenerLost() {
        if (stopping.get()) {
            return;
        }
        log.error("the WebSocket listener on {} closed unexpectedly; binding it again", address);
        listenerStatus(new ListenerStatus(ListenerStatus.State.DOWN, clock.instant(), "the listening socket closed"));
        rebind();
    }

    private void rebind() {
        if (stopping.get()) {
            return;
        }
        acceptor.schedule(() -> bootstrap.bind(address).addListener((ChannelFuture bound) -> {
            if (bound.isSuccess() && !stopping.get()) {
                listening(bound.channel());
                log.warn("the WebSocket listener on {} is bound again", address);
            } else if (bound.isSuccess()) {
                bound.channel().close();
            } else {
                listenerStatus(new ListenerStatus(ListenerStatus.State.DOWN, status.since(),
                        "binding the listener failed: " + bound.cause().getMessage()));
                rebind();
            }
        }), REBIND_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * A new socket, counted until it closes. When as many sockets as allowed are still handshaking,
     * the oldest of them is closed to make room: a flood of sockets that never finish their
     * handshake holds at most that many descriptors, and a real client, whose handshake takes
     * milliseconds, still gets through.
     */
    private boolean admitSocket(Channel socket) {
        if (stopping.get()) {
            stats.socketRefused();
            return false;
        }
        if (evictedClosing.get() >= limits.maxPendingHandshakes()) {
            // as many evicted sockets still wait for their I/O thread to close them as may be pending:
            // this one is closed at once instead (no descriptor outlives the call), so a flood faster
            // than the I/O threads can close never holds more descriptors than the budget allows
            stats.handshakeRejected("evicted");
            return false;
        }
        while (pending.get() >= limits.maxPendingHandshakes()) {
            Channel oldest = handshaking.pollFirst();
            if (oldest == null) {
                break;
            }
            if (oldest.attr(SLOT).get().evict()) {
                stats.handshakeRejected("evicted");
                evictedClosing.incrementAndGet();
                oldest.closeFuture().addListener(closed -> evictedClosing.decrementAndGet());
                Closing.abort(oldest);
            }
        }
        SocketSlot slot = new SocketSlot(pending, open, limits.maxConnections());
        socket.attr(SLOT).set(slot);
        sockets.add(socket);
        handshaking.addLast(socket);
        socket.closeFuture().addListener(closed -> {
            if (slot.isPending()) {
                handshaking.remove(socket);
            }
            slot.release();
            sockets.remove(socket);
        });
        return true;
    }

    private void upgraded(Channel socket) {
        SocketSlot slot = socket.attr(SLOT).get();
        slot.upgraded();
        handshakeTimer.accept(System.nanoTime() - slot.acceptedAtNanos());
        handshaking.remove(socket);
    }

    /** Decides on a well-formed upgrade request (on the socket's I/O thread). */
    private Upgrade decide(Channel channel, HttpRequest request) {
        String uri = request.uri();
        String path = HandshakeAuthenticator.path(uri);
        SideEndpoint side = sideEndpoints.get(path);
        if (!CLIENT_PATH.equals(path) && side == null) {
            stats.handshakeRejected("not_found");
            return refused(HttpResponseStatus.NOT_FOUND, "not_found", "not_found",
                    "no such endpoint; clients connect to " + CLIENT_PATH, Map.of());
        }
        Principal principal;
        try {
            principal = authenticator.authenticate(uri, request.headers().get(HttpHeaderNames.AUTHORIZATION));
        } catch (AuthenticationFailed failed) {
            stats.handshakeRejected(failed.reason());
            return refused(HttpResponseStatus.UNAUTHORIZED, "unauthorized", failed.reason(), failed.getMessage(),
                    Map.of("WWW-Authenticate", "Bearer"));
        }
        if (side != null) {
            SideEndpoint.HandshakeRefusal refusal = side.refuse(principal);
            if (refusal != null) {
                stats.handshakeRejected(refusal.reason());
                return refused(HttpResponseStatus.valueOf(refusal.status()), refusal.error(), refusal.reason(),
                        refusal.message(), refusal.retryAfterSeconds() > 0
                                ? Map.of("Retry-After", Long.toString(refusal.retryAfterSeconds())) : Map.of());
            }
        }
        SocketSlot slot = channel.attr(SLOT).get();
        if (!slot.reserve()) {
            stats.handshakeRejected("max_connections");
            return refused(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "max_connections",
                    "the router is at its limit of " + limits.maxConnections() + " connections; try again later",
                    Map.of("Retry-After", "5"));
        }
        WebSocketSession session = new WebSocketSession(channel, limits, stats);
        channel.attr(SESSION).set(session);
        if (side != null) {
            SideEndpoint.Session opened = side.open(principal, session.sink());
            session.listener(sideListener(opened));
            return new Upgrade.Accepted(session, () -> { });
        }
        Connection connection = connections.open(principal.userId(), remote(channel), session.sink());
        if (connection == null) {
            slot.unreserve();
            stats.handshakeRejected("per_user");
            return refused(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_connections", "per_user",
                    "this user already has " + connections.limits().perUser()
                            + " connections open, the most allowed per user", Map.of());
        }
        Session client = new Session(principal, connection, channel.eventLoop());
        session.listener(clientListener(client));
        return new Upgrade.Accepted(session, () -> established(client));
    }

    private Upgrade refused(HttpResponseStatus status, String error, String reason, String message,
                            Map<String, String> headers) {
        return new Upgrade.Refused(status, HandshakeHandler.body(codec, error, reason, message), headers);
    }

    private static String remote(Channel channel) {
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        return remote == null ? "unknown" : remote.getHostString() + ":" + remote.getPort();
    }

    private void established(Session session) {
        traffic.replied(session.principal().userId(), session.connection().id(), EventType.CONNECTION_ESTABLISHED,
                null);
        connections.sendToConnection(session.principal().userId(), session.connection().id(), codec.encode(
                ServerEvent.builder(EventType.CONNECTION_ESTABLISHED)
                        .put("connection_id", session.connection().id())
                        .put("user_id", session.principal().userId())
                        .put("protocol", PROTOCOL_VERSION)
                        .put("server_time", clock.instant().toString())
                        .build()));
    }

    private FrameListener clientListener(Session session) {
        return new FrameListener() {
            @Override
            public void text(String text) {
                onText(session, text);
            }

            @Override
            public void binary() {
                session.connection().received(clock.millis());
                protection.rejected(FrameRejection.Reason.BINARY_FRAME);
                answerUnparsed(session, ErrorCode.BINARY_NOT_SUPPORTED, "binary frames are not supported; send text");
            }

            @Override
            public void ended(ConnectionClose close) {
                session.connection().ended(close);
                connections.remove(session.connection());
            }
        };
    }

    private static FrameListener sideListener(SideEndpoint.Session side) {
        return new FrameListener() {
            @Override
            public void text(String text) {
                side.message(text);
            }

            @Override
            public void binary() {
                // the monitor speaks text only; a binary frame asks nothing
            }

            @Override
            public void ended(ConnectionClose close) {
                side.closed();
            }
        };
    }

    private void onText(Session session, String text) {
        long receivedAt = System.nanoTime();
        session.connection().received(clock.millis());
        frameTap.frame(session.principal().userId(), session.connection().id(), text);
        MessageTrace trace = tracer.start(session.principal().userId(), session.connection().id(), text.length(),
                receivedAt);
        FrameIntake.Admitted admitted = admission.admit(session.principal().userId(), session.connection().id(), text,
                (message, rpcCode) -> context(session, message, rpcCode, receivedAt, trace), trace);
        if (admitted == null) {
            if (trace != null) {
                trace.done();
            }
            return;
        }
        CompletionStage<Protection.Verdict> shared = protection.admitShared(session.principal().userId(),
                admitted.message(), admitted.verdict());
        if (shared == null && session.sharedCheck.isDone()) {
            dispatch(session, admitted, receivedAt);
            return;
        }
        CompletionStage<Protection.Verdict> verdict = shared != null ? shared
                : CompletableFuture.completedFuture(admitted.verdict());
        // the shared bucket answers on Redis's thread; the message goes on on this socket's I/O thread,
        // after every earlier message of the connection
        session.sharedCheck = session.sharedCheck.thenCombine(verdict, (previous, decided) -> decided)
                .thenAcceptAsync(decided -> {
                    if (decided.admitted()) {
                        dispatch(session, admitted, receivedAt);
                    } else {
                        if (trace != null) {
                            // the node's own buckets let it through; the cluster's shared bucket did not
                            trace.step("shared_rate_limit", System.nanoTime(), Map.of("admitted", false,
                                    "retry_after_ms", decided.retryAfterMs()));
                        }
                        admitted.context().fail(decided.code(), decided.text(),
                                Map.of("retry_after_ms", decided.retryAfterMs()));
                        if (trace != null) {
                            trace.done();
                        }
                    }
                }, session.io)
                .exceptionally(failure -> {
                    log.warn("a message of connection {} was lost after the shared rate limit",
                            session.connection().id(), failure);
                    return null;
                });
    }

    private void dispatch(Session session, FrameIntake.Admitted admitted, long receivedAt) {
        ClientMessage message = admitted.message();
        session.connection().thread(message.threadId());
        traffic.admitted(session.principal().userId(), session.connection().id(), message, admitted.classification());
        dispatcher.submit(admitted.context(), message, admitted.classification(), receivedAt);
    }

    private void answerUnparsed(Session session, ErrorCode code, String text) {
        long receivedAt = System.nanoTime();
        FrameIntake.unparsed((message, rpcCode) -> context(session, message, rpcCode, receivedAt, null), code, text);
    }

    private SocketMessageContext context(Session session, ClientMessage message, int rpcCode, long receivedAt,
                                         MessageTrace trace) {
        return new SocketMessageContext(connections::sendToConnection, codec, messageRouter.stats(), traffic,
                session.principal().userId(), session.connection().id(), message, rpcCode, receivedAt, answerTimer,
                trace);
    }

    /**
     * Where the time from a frame's arrival to its answer written to the socket goes, and the time from
     * a socket accepted to its upgrade answered (the router's metrics). Set before {@link #start()}.
     */
    public void timers(LongConsumer answered, LongConsumer handshaken) {
        this.answerTimer = answered::accept;
        this.handshakeTimer = handshaken;
    }

    /**
     * Stops the server: no new sockets; every connection gets a close frame with 1001 and
     * {@code closeMessage} and up to {@code timeoutMillis} to close; what is left is aborted; then the
     * I/O threads and the dispatch workers stop. Idempotent.
     */
    public void stop(int timeoutMillis, String closeMessage) throws InterruptedException {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = false;
        status = new ListenerStatus(ListenerStatus.State.STOPPED, clock.instant(), "stopped");
        Channel bound = listener;
        if (bound != null) {
            bound.close().awaitUninterruptibly(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        // queued messages are answered while their connections are still there to hear it
        dispatcher.stop();
        for (Channel socket : List.copyOf(sockets)) {
            WebSocketSession session = socket.attr(SESSION).get();
            if (session != null) {
                session.close(1001, closeMessage);
            } else {
                Closing.abort(socket);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!sockets.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                // finish stopping all the same: nothing may be left open or running
                interrupted = true;
                break;
            }
        }
        List.copyOf(sockets).forEach(Closing::abort);
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (acceptor != null) {
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
