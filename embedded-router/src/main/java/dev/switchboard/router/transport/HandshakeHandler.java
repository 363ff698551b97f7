package dev.switchboard.router.transport;

import dev.switchboard.router.protocol.JsonCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A socket before its WebSocket upgrade: reads one bounded HTTP request, checks that it is a
 * well-formed RFC 6455 upgrade, asks the server whether to accept it, and either answers 101 and
 * turns the pipeline into a WebSocket one, or answers with a refusal and closes. A request line,
 * header block or body over its limit, or a handshake slower than the timeout, is refused here,
 * before anyone is authenticated.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    static final String HTTP_CODEC = "http";
    /** Lines of a handshake's head at most, request line included ({@link HeaderLineLimit}). */
    static final int MAX_HEAD_LINES = 100;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final TransportLimits limits;
    private final TransportStats stats;
    private final JsonCodec codec;
    private final int maxFrameBytes;
    private final BiFunction<Channel, HttpRequest, Upgrade> server;
    private final Runnable upgraded;
    private ScheduledFuture<?> timeout;
    private HttpRequest request;
    private boolean answered;

    /**
     * @param server   decides on a well-formed upgrade request
     * @param upgraded called once the connection is a WebSocket (it no longer counts as pending)
     */
    HandshakeHandler(TransportLimits limits, TransportStats stats, JsonCodec codec, int maxFrameBytes,
                     BiFunction<Channel, HttpRequest, Upgrade> server, Runnable upgraded) {
        this.limits = limits;
        this.stats = stats;
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
        this.server = server;
        this.upgraded = upgraded;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> timedOut(ctx), limits.handshakeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timeout.cancel(false);
    }

    private void timedOut(ChannelHandlerContext ctx) {
        if (answered || !ctx.channel().isOpen()) {
            return;
        }
        answered = true;
        stats.handshakeRejected("timeout");
        Closing.abort(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (answered) {
                return;
            }
            if (msg instanceof HttpRequest head) {
                if (!head.decoderResult().isSuccess()) {
                    refuseMalformed(ctx, head.decoderResult().cause());
                    return;
                }
                if (HttpUtil.getContentLength(head, 0L) > 0 || HttpUtil.isTransferEncodingChunked(head)) {
                    refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad_request", "an upgrade request has no body");
                    return;
                }
                request = head;
            }
            if (msg instanceof HttpContent content && content.content().isReadable()) {
                refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad_request", "an upgrade request has no body");
                return;
            }
            if (msg instanceof LastHttpContent && request != null) {
                upgrade(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void refuseMalformed(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            refuse(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                    "the request line is over " + limits.maxRequestLineBytes() + " bytes");
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            refuse(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "the request headers are over " + limits.maxHeaderBytes() + " bytes");
        } else {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad_request", "the request is not valid HTTP/1.1");
        }
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest head) {
        if (!isWellFormedUpgrade(ctx, head)) {
            return;
        }
        Upgrade decision = server.apply(ctx.channel(), head);
        answered = true;
        if (decision instanceof Upgrade.Refused refused) {
            FullHttpResponse response = response(refused.status(), refused.body());
            refused.headers().forEach((name, value) -> response.headers().set(name, value));
            Closing.close(ctx.channel(), response, limits.closeGrace(), true, limits.drainBytes());
            return;
        }
        switchToWebSocket(ctx, head.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY), (Upgrade.Accepted) decision);
    }

    /** Whether the request is an RFC 6455 upgrade this server speaks; when not, it is refused here. */
    private boolean isWellFormedUpgrade(ChannelHandlerContext ctx, HttpRequest head) {
        HttpHeaders headers = head.headers();
        if (head.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0 || !headers.contains(HttpHeaderNames.HOST)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad_request", "an upgrade needs HTTP/1.1 and a Host header");
            return false;
        }
        if (!HttpMethod.GET.equals(head.method())) {
            refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method", "only GET upgrades to a WebSocket");
            return false;
        }
        if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            refuse(ctx, HttpResponseStatus.UPGRADE_REQUIRED, "not_websocket",
                    "this endpoint speaks WebSocket: send Upgrade: websocket and Connection: Upgrade");
            return false;
        }
        if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            refuse(ctx, HttpResponseStatus.UPGRADE_REQUIRED, "version", "only WebSocket version 13 is spoken");
            return false;
        }
        if (!isValidKey(headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad_request", "Sec-WebSocket-Key must be 16 bytes in base64");
            return false;
        }
        return true;
    }

    /** Answers 101, turns the pipeline into a WebSocket one and opens the session. */
    private void switchToWebSocket(ChannelHandlerContext ctx, String key, Upgrade.Accepted accepted) {
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept(key));
        ctx.writeAndFlush(switching);
        ChannelPipeline pipeline = ctx.pipeline();
        addWebSocketHandlers(pipeline, accepted);
        pipeline.remove(this);
        upgraded.run();
        // before the codec goes: frames that came with the request are read as it goes, and their
        // answers are queued after what opening queues (connection_established first)
        accepted.opened().run();
        pipeline.remove(HTTP_CODEC);
        accepted.session().upgraded();
    }

    private void addWebSocketHandlers(ChannelPipeline pipeline, Upgrade.Accepted accepted) {
        // added behind the HTTP codec before it goes, so any frame bytes that came with the request reach them
        pipeline.addAfter(HTTP_CODEC, "ws-decoder", new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameBytes)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .withUTF8Validator(true)
                .build()));
        pipeline.addAfter("ws-decoder", "ws-utf8", new Utf8FrameValidator(false));
        pipeline.addAfter("ws-utf8", "ws-encoder", new WebSocket13FrameEncoder(false));
        pipeline.addAfter("ws-encoder", "ws-aggregator", new WebSocketFrameAggregator(maxFrameBytes));
        pipeline.addAfter("ws-aggregator", "ws-session", accepted.session());
    }

    /** The head has more than {@link #MAX_HEAD_LINES} lines: 431, as for too many header bytes. */
    void tooManyLines(Channel channel) {
        if (!answered) {
            refuse(channel, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "the request has more than " + MAX_HEAD_LINES + " header lines");
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, String message) {
        refuse(ctx.channel(), status, reason, message);
    }

    private void refuse(Channel channel, HttpResponseStatus status, String reason, String message) {
        answered = true;
        stats.handshakeRejected(reason);
        FullHttpResponse response = response(status, body(codec, "bad_request", reason, message));
        if (status.equals(HttpResponseStatus.UPGRADE_REQUIRED)) {
            response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                    .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        }
        Closing.close(channel, response, limits.closeGrace(), true, limits.drainBytes());
    }

    /** The refusal body every refusal uses: {@code {"error":…,"message":…,"reason":…}}. */
    static String body(JsonCodec codec, String error, String reason, String message) {
        return codec.encodeObject(new TreeMap<>(Map.of("error", error, "reason", reason, "message", message)));
    }

    static FullHttpResponse response(HttpResponseStatus status, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                io.netty.buffer.Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    private static boolean isValidKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!answered && !(cause instanceof java.io.IOException)) {
            refuseMalformed(ctx, cause);
            return;
        }
        Closing.abort(ctx.channel());
    }
}
