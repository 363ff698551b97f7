package dev.switchboard.router.transport;

import dev.switchboard.router.auth.AuthenticationFailed;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.connections.Connection;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.RejectReason;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.Decoded;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.routing.MessageRouter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client endpoint {@code ws://HOST:PORT/ws}: authenticates the handshake, registers the
 * connection, checks frame sizes, decodes, and hands each message to the router. Work here runs on
 * Java-WebSocket's worker threads and never blocks; agent runs go to their own executor.
 */
public final class RouterSocketServer extends WebSocketServer {
    /** The path clients connect to. */
    public static final String CLIENT_PATH = "/ws";
    /** The WebSocket protocol version sent in {@code connection_established}. */
    public static final int PROTOCOL_VERSION = 1;

    private static final Logger log = LoggerFactory.getLogger(RouterSocketServer.class);

    private final HandshakeAuthenticator authenticator;
    private final ConnectionRegistry connections;
    private final MessageRouter router;
    private final JsonCodec codec;
    private final Clock clock;
    private final Admission admission;
    private final Protection protection;
    private final Dispatcher dispatcher;
    private final Map<String, SideEndpoint> sideEndpoints = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile TrafficListener traffic = TrafficListener.NONE;
    private final TransportStats stats = new TransportStats();
    private final CompletableFuture<Integer> started = new CompletableFuture<>();

    /** The state of an accepted connection, kept as the socket's attachment. */
    private record Session(Principal principal, Connection connection) {
    }

    /** The attachment of a refused handshake: its socket is closed as soon as the response is out. */
    private enum Refused { INSTANCE }

    /** The attachment of an accepted side-endpoint handshake, until it opens. */
    private record SidePending(SideEndpoint endpoint, Principal principal) {
    }

    /**
     * Adds an endpoint beside {@code /ws} (before {@link #start()}).
     *
     * @param path where it listens, e.g. {@code /monitor}
     */
    public void sideEndpoint(String path, SideEndpoint endpoint) {
        sideEndpoints.put(path, endpoint);
    }

    /** Sets who hears about client traffic. */
    public void traffic(TrafficListener listener) {
        this.traffic = listener;
    }

    /**
     * @param address             where to listen
     * @param tokens              verifies JWTs, or null when no secret is configured
     * @param devAuth             whether {@code ?user=} is accepted
     * @param connections         the connection registry
     * @param router              the message router
     * @param codec               the wire codec
     * @param clock               time source
     * @param softFrameLimit      bytes over which a frame gets {@code too_large}
     * @param hardFrameLimit      bytes over which a frame closes the connection with 1009
     * @param protection          validation, classification and rate limiting
     * @param dispatcher          the dispatch queue and its workers (started and stopped with the server)
     */
    public RouterSocketServer(InetSocketAddress address, TokenService tokens, boolean devAuth,
                              ConnectionRegistry connections, MessageRouter router, JsonCodec codec, Clock clock,
                              int softFrameLimit, int hardFrameLimit, Protection protection, Dispatcher dispatcher) {
        super(address, List.of(new AuthenticatingDraft(hardFrameLimit)));
        this.authenticator = new HandshakeAuthenticator(tokens, devAuth);
        this.connections = connections;
        this.router = router;
        this.codec = codec;
        this.clock = clock;
        this.admission = new Admission(codec, protection, softFrameLimit);
        this.protection = protection;
        this.dispatcher = dispatcher;
        setReuseAddr(true);
        setTcpNoDelay(true);
    }

    /** Completes with the bound port once listening, or exceptionally when binding failed. */
    public CompletableFuture<Integer> started() {
        return started;
    }

    public TransportStats stats() {
        return stats;
    }

    /** Starts dispatching: messages held during start-up first. */
    public void resumeDispatch() {
        dispatcher.resume();
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                                                                       ClientHandshake request)
            throws InvalidDataException {
        ServerHandshakeBuilder builder = super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        String path = HandshakeAuthenticator.path(request.getResourceDescriptor());
        SideEndpoint side = sideEndpoints.get(path);
        if (!CLIENT_PATH.equals(path) && side == null) {
            stats.handshakeRejected("not_found");
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "no such endpoint");
        }
        try {
            Principal principal = authenticator.authenticate(request);
            if (side != null) {
                String refusal = side.refuse(principal);
                if (refusal != null) {
                    stats.handshakeRejected("forbidden");
                    conn.setAttachment(Refused.INSTANCE);
                    return new Refusal(403, "Forbidden", codec.encodeObject(new java.util.TreeMap<>(
                            Map.of("error", "forbidden", "reason", "role", "message", refusal))));
                }
                conn.setAttachment(new SidePending(side, principal));
                return builder;
            }
            conn.setAttachment(principal);
            return builder;
        } catch (AuthenticationFailed failed) {
            stats.handshakeRejected(failed.reason());
            conn.setAttachment(Refused.INSTANCE);
            String body = codec.encodeObject(new java.util.TreeMap<>(Map.of("error", "unauthorized", "reason", failed.reason(),
                    "message", failed.getMessage())));
            return new Refusal(401, "Unauthorized", body);
        }
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        Object attachment = conn.getAttachment();
        if (attachment instanceof SidePending pending) {
            conn.setAttachment(pending.endpoint().open(pending.principal(), new SocketSink(conn)));
            return;
        }
        if (!(attachment instanceof Principal principal)) {
            ((WebSocketImpl) conn).flushAndClose(CloseFrame.POLICY_VALIDATION, "unauthorized", false);
            return;
        }
        InetSocketAddress remote = conn.getRemoteSocketAddress();
        Connection connection = connections.open(principal.userId(),
                remote == null ? "unknown" : remote.getHostString() + ":" + remote.getPort(), new SocketSink(conn));
        conn.setAttachment(new Session(principal, connection));
        connections.sendToConnection(principal.userId(), connection.id(), codec.encode(
                ServerEvent.builder(EventType.CONNECTION_ESTABLISHED)
                        .put("connection_id", connection.id())
                        .put("user_id", principal.userId())
                        .put("protocol", PROTOCOL_VERSION)
                        .put("server_time", clock.instant().toString())
                        .build()));
    }

    @Override
    public void onMessage(WebSocket conn, String text) {
        if (conn.getAttachment() instanceof SideEndpoint.Session side) {
            side.message(text);
            return;
        }
        if (!(conn.getAttachment() instanceof Session session)) {
            return;
        }
        long receivedAt = System.nanoTime();
        session.connection().received(clock.millis());
        Admission.Admitted admitted = admission.admit(session.principal().userId(), session.connection().id(), text,
                (message, rpcCode) -> context(session, message, rpcCode));
        if (admitted == null) {
            return;
        }
        ClientMessage message = admitted.message();
        session.connection().thread(message.threadId());
        traffic.admitted(session.principal().userId(), session.connection().id(), message, admitted.classification());
        dispatcher.submit(admitted.context(), message, admitted.classification(), receivedAt);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer bytes) {
        if (conn.getAttachment() instanceof Session session) {
            session.connection().received(clock.millis());
            protection.rejected(RejectReason.BINARY_FRAME);
            answerUnparsed(session, ErrorCode.BINARY_NOT_SUPPORTED, "binary frames are not supported; send text");
        }
    }

    private void answerUnparsed(Session session, ErrorCode code, String text) {
        Admission.unparsed((message, rpcCode) -> context(session, message, rpcCode), code, text);
    }

    private SocketMessageContext context(Session session, ClientMessage message, int rpcCode) {
        return new SocketMessageContext(connections::sendToConnection, codec, router.stats(), traffic, session.principal().userId(),
                session.connection().id(), message, rpcCode);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        if (conn.getAttachment() instanceof SideEndpoint.Session side) {
            side.closed();
            return;
        }
        if (conn.getAttachment() instanceof Session session) {
            stats.closed(code);
            connections.remove(session.connection());
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            if (!started.completeExceptionally(ex)) {
                log.error("WebSocket server failed", ex);
            }
            return;
        }
        log.debug("error on connection {}", conn.getRemoteSocketAddress(), ex);
    }

    @Override
    public void onStart() {
        dispatcher.start();
        started.complete(getPort());
    }

    /** Stops the server, then the dispatch workers. */
    @Override
    public void stop(int timeout, String closeMessage) throws InterruptedException {
        try {
            super.stop(timeout, closeMessage);
        } catch (ClosedSelectorException e) {
            // Java-WebSocket wakes a selector its own thread may have closed already: stopped all the same
            log.debug("selector already closed while stopping", e);
        } finally {
            dispatcher.stop();
        }
    }
}
