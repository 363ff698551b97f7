package dev.switchboard.router.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET /health}, {@code /ready} and {@code /metrics} on one Netty I/O thread, with the same
 * kind of bounds as the WebSocket port: request line 8 KiB, headers 16 KiB or 100 lines, 10 s to
 * send a request, 256 connections at once, and an accept loop that survives running out of file
 * descriptors.
 */
public final class HttpEndpoints {
    private static final int MAX_CONNECTIONS = 256;
    private static final int MAX_REQUEST_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final int DRAIN_BYTES = 64 * 1024;

    /** What {@code /ready} or {@code /health} reports: 200 when {@code ready}, else 503. */
    public record Readiness(boolean ready, String body) {
    }

    private final InetSocketAddress address;
    private final Map<String, Supplier<FullHttpResponse>> routes;
    private final AtomicInteger open = new AtomicInteger();
    private EventLoopGroup group;
    private Channel listener;

    /**
     * @param address   where to listen
     * @param health    {@code /health}: 200 when up, else 503, with a JSON body
     * @param readiness {@code /ready}: 200 when ready, else 503, with a JSON body
     * @param metrics   the Prometheus exposition text
     */
    public HttpEndpoints(InetSocketAddress address, Supplier<Readiness> health, Supplier<Readiness> readiness,
                         Supplier<String> metrics) {
        this.address = address;
        this.routes = Map.of(
                "/health", () -> json(health.get()),
                "/ready", () -> json(readiness.get()),
                "/metrics", () -> response(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.get()));
    }

    /** Binds the port and starts answering. */
    public void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("switchboard-http", true),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<ServerSocketChannel>() {
                    @Override
                    protected void initChannel(ServerSocketChannel listening) {
                        listening.pipeline().addLast(new AcceptGuard(HttpEndpoints.this::admit, status -> { },
                                new TransportStats(), Clock.systemUTC()));
                    }
                })
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(new ReadTimeoutHandler(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(new HeaderLineLimit(HandshakeHandler.MAX_HEAD_LINES, ctx -> refuse(ctx.channel(),
                                        HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)))
                                .addLast(new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADERS)))
                                .addLast(new Endpoint());
                    }
                });
        try {
            listener = bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException(e.getMessage(), e);
        }
    }

    private boolean admit(Channel socket) {
        if (open.incrementAndGet() > MAX_CONNECTIONS) {
            open.decrementAndGet();
            return false;
        }
        socket.closeFuture().addListener(closed -> open.decrementAndGet());
        return true;
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public void stop() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Answers one request. */
    private final class Endpoint extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof HttpRequest request)) {
                    return;
                }
                if (!request.decoderResult().isSuccess()) {
                    refuse(ctx.channel(), HttpResponseStatus.BAD_REQUEST);
                    return;
                }
                boolean head = HttpMethod.HEAD.equals(request.method());
                FullHttpResponse response;
                Supplier<FullHttpResponse> route = routes.get(new QueryStringDecoder(request.uri()).path());
                if (!head && !HttpMethod.GET.equals(request.method())) {
                    response = empty(HttpResponseStatus.METHOD_NOT_ALLOWED);
                    response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                } else if (route == null) {
                    response = empty(HttpResponseStatus.NOT_FOUND);
                } else {
                    response = route.get();
                    if (head) {
                        response = response.replace(Unpooled.EMPTY_BUFFER);
                    }
                }
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                HttpUtil.setKeepAlive(response, keepAlive);
                ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                        : ChannelFutureListener.CLOSE);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Closing.abort(ctx.channel());
        }
    }

    private static void refuse(Channel channel, HttpResponseStatus status) {
        FullHttpResponse response = empty(status);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        Closing.close(channel, response, CLOSE_GRACE, true, DRAIN_BYTES);
    }

    private static FullHttpResponse json(Readiness state) {
        return response(state.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "application/json", state.body());
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    private static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }
}
