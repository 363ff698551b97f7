package dev.switchboard.router.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one upgrade, one refusal and a few frames through the real pipeline in memory before the
 * listener opens, so every class a connection needs is loaded up front. A class loaded on first use
 * needs a file descriptor when the classes come from a directory; under descriptor exhaustion that
 * load fails, and a class that failed to load stays unusable for the life of the JVM.
 *
 * <p>Once per JVM: the classes stay loaded. A second run would also feed the JIT's type profiles an
 * in-memory channel and heap buffers at the call sites the sockets' traffic has made monomorphic,
 * and so throw away the compiled code of a JVM that {@code serve --warmup} has just warmed up.
 */
final class TransportWarmUp {
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: warm-up\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    /** A masked text frame "{}", a masked ping and a masked close 1000 (all with a zero mask). */
    private static final byte[] FRAMES = {
        (byte) 0x81, (byte) 0x82, 0, 0, 0, 0, '{', '}',
        (byte) 0x89, (byte) 0x80, 0, 0, 0, 0,
        (byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8,
    };

    private TransportWarmUp() {
    }

    static void run(TransportLimits limits, dev.switchboard.router.protocol.JsonCodec codec, int maxFrameBytes) {
        if (DONE.get()) {
            return;
        }
        TransportStats stats = new TransportStats();
        exercise(limits, stats, codec, maxFrameBytes, (channel, request) -> {
            WebSocketSession session = new WebSocketSession(channel, limits, stats);
            session.listener(new FrameListener() {
                @Override
                public void text(String text) {
                    session.sink().send(text);
                }

                @Override
                public void binary() {
                }

                @Override
                public void ended(dev.switchboard.router.connections.ConnectionClose close) {
                }
            });
            return new Upgrade.Accepted(session, () -> { });
        });
        exercise(limits, stats, codec, maxFrameBytes, (channel, request) -> new Upgrade.Refused(
                HttpResponseStatus.UNAUTHORIZED, HandshakeHandler.body(codec, "unauthorized", "warm_up", "warm-up"),
                Map.of()));
        DONE.set(true);
    }

    private static void exercise(TransportLimits limits, TransportStats stats,
                                 dev.switchboard.router.protocol.JsonCodec codec, int maxFrameBytes,
                                 java.util.function.BiFunction<io.netty.channel.Channel, io.netty.handler.codec.http.HttpRequest, Upgrade> decide) {
        EmbeddedChannel channel = new EmbeddedChannel();
        HandshakeHandler handshake = new HandshakeHandler(limits, stats, codec, maxFrameBytes, decide, () -> { });
        channel.pipeline()
                .addLast("head-lines", new HeaderLineLimit(HandshakeHandler.MAX_HEAD_LINES,
                        ctx -> handshake.tooManyLines(ctx.channel())))
                .addLast(HandshakeHandler.HTTP_CODEC, new HttpServerCodec(new HttpDecoderConfig()))
                .addLast("handshake", handshake);
        channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
        channel.writeInbound(Unpooled.wrappedBuffer(FRAMES.clone()));
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
    }
}
