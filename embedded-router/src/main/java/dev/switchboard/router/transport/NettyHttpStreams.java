package dev.switchboard.router.transport;

import dev.switchboard.router.agents.http.HttpStreams;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * {@link HttpStreams} on Netty: every run's {@code POST} on the I/O thread of its user's connection
 * when the caller names it (so the events read are written to that connection on the same thread), else
 * on one I/O thread shared by all http backends ({@code switchboard-agent-http}); the response read as
 * it streams with no copy (each body part is parsed before the buffer goes back to the pool). One connection per run,
 * closed after it ({@code Connection: close}), so a cancelled run aborts only its own request.
 */
public final class NettyHttpStreams implements HttpStreams {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("switchboard-agent-http", true), NioIoHandler.newFactory());
    private volatile SslContext tls;

    @Override
    public Exchange post(URI url, Map<String, String> headers, byte[] body, Duration connectTimeout, Receiver receiver) {
        return post(url, headers, body, connectTimeout, null, receiver);
    }

    /**
     * On {@code near} when it is an NIO event loop still running (a user's connection's: the events
     * read are then written to it with no hand-over between threads), else on this client's own thread.
     */
    @Override
    public Exchange post(URI url, Map<String, String> headers, byte[] body, Duration connectTimeout, Executor near,
                         Receiver receiver) {
        EventLoopGroup loop = near instanceof IoEventLoop nearLoop && nearLoop.isIoType(NioIoHandler.class)
                && !nearLoop.isShuttingDown() ? nearLoop : group;
        boolean secure = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() >= 0 ? url.getPort() : secure ? 443 : 80;
        Delivery delivery = new Delivery(receiver);
        SslContext context;
        InetSocketAddress address;
        try {
            context = secure ? tls() : null;
            // resolved here, on the caller's thread (the run launcher's): a name lookup may block,
            // which an I/O thread, a user's connection's above all, must never do
            address = new InetSocketAddress(InetAddress.getByName(url.getHost()), port);
        } catch (SSLException | UnknownHostException e) {
            delivery.failed(e);
            return () -> { };
        }
        ChannelFuture connecting = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (context != null) {
                            SslHandler tlsHandler = context.newHandler(channel.alloc(), url.getHost(), port);
                            SSLParameters parameters = tlsHandler.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                            tlsHandler.engine().setSSLParameters(parameters);
                            channel.pipeline().addLast(tlsHandler);
                        }
                        channel.pipeline().addLast(new HttpClientCodec(), delivery);
                    }
                })
                .connect(address);
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                delivery.failed(inInterfaceTerms(done.cause()));
                return;
            }
            Channel channel = connecting.channel();
            if (delivery.cancelled.get()) {
                channel.close();
                return;
            }
            channel.writeAndFlush(request(url, headers, body)).addListener(written -> {
                if (!written.isSuccess()) {
                    delivery.failed(written.cause());
                    channel.close();
                }
            });
        });
        return () -> {
            delivery.cancelled.set(true);
            connecting.channel().close();
        };
    }

    /**
     * A failure as {@link HttpStreams} callers know it: Netty's connect timeout is a
     * {@link java.net.ConnectException}, which reads as "refused", so it becomes the JDK's
     * {@link HttpConnectTimeoutException}, as the JDK client reports it.
     */
    static Throwable inInterfaceTerms(Throwable cause) {
        if (cause instanceof ConnectTimeoutException timeout) {
            HttpConnectTimeoutException translated = new HttpConnectTimeoutException(
                    timeout.getMessage() == null ? "connecting timed out" : timeout.getMessage());
            translated.initCause(timeout);
            return translated;
        }
        return cause;
    }

    private SslContext tls() throws SSLException {
        SslContext context = tls;
        if (context == null) {
            synchronized (this) {
                if (tls == null) {
                    tls = SslContextBuilder.forClient().build();
                }
                context = tls;
            }
        }
        return context;
    }

    private static FullHttpRequest request(URI url, Map<String, String> headers, byte[] body) {
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, url.getPort() >= 0 ? url.getHost() + ":" + url.getPort() : url.getHost())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        headers.forEach((name, value) -> request.headers().set(name, value));
        return request;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Hands one response to its receiver: headers, body parts, then end or failed, exactly once. */
    private static final class Delivery extends SimpleChannelInboundHandler<HttpObject> {
        private final Receiver receiver;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean over = new AtomicBoolean();
        private boolean reading;

        Delivery(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
            if (over.get() || cancelled.get()) {
                return;
            }
            if (message instanceof HttpResponse response) {
                if (!response.decoderResult().isSuccess()) {
                    failed(response.decoderResult().cause());
                    context.close();
                    return;
                }
                reading = receiver.headers(response.status().code(),
                        response.headers().get(HttpHeaderNames.CONTENT_TYPE, ""));
                if (!reading) {
                    over.set(true);
                    context.close();
                    return;
                }
            }
            if (message instanceof HttpContent content && reading) {
                if (!content.decoderResult().isSuccess()) {
                    failed(content.decoderResult().cause());
                    context.close();
                    return;
                }
                if (content.content().isReadable()) {
                    receiver.body(content.content().nioBuffer());
                }
                if (message instanceof LastHttpContent && over.compareAndSet(false, true)) {
                    receiver.end();
                    context.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (!over.get()) { // the usual close, after the response's end, costs no exception
                failed(new IOException("the connection closed before the response ended"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            failed(cause);
            context.close();
        }

        void failed(Throwable cause) {
            if (!cancelled.get() && over.compareAndSet(false, true)) {
                receiver.failed(cause);
            }
        }
    }
}
