package dev.switchboard.router.agents.http;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * How an http backend's runs reach the service: one {@code POST} whose response body is read as it
 * streams. The router plugs in its transport's client (Netty, on its own I/O thread); {@link JdkHttpStreams}
 * (the JDK's {@code HttpClient}) serves where there is no transport, such as tests.
 */
public interface HttpStreams extends AutoCloseable {

    /** What happens to one exchange, in this order: headers, body parts, then end or failed (once). */
    interface Receiver {
        /**
         * The response's status and headers arrived.
         *
         * @return whether to read the body; false closes the connection at once
         */
        boolean headers(int status, String contentType);

        /** Some body bytes, in order; consumed before the call returns (the buffer is not kept). */
        void body(ByteBuffer bytes);

        /** The body ended normally. */
        void end();

        /**
         * The exchange failed: not connected, reset, or closed before the body ended. A connect timeout
         * is a {@link java.net.http.HttpConnectTimeoutException}, whichever client reports it.
         */
        void failed(Throwable cause);
    }

    /** A request under way. */
    interface Exchange {
        /** Closes the connection (the service sees its request aborted); nothing is received after. */
        void cancel();
    }

    /**
     * Sends {@code body} to {@code url} with {@code headers} and hands the response to {@code receiver}.
     * Returns at once.
     */
    Exchange post(URI url, Map<String, String> headers, byte[] body, Duration connectTimeout, Receiver receiver);

    /**
     * As {@link #post(URI, Map, byte[], Duration, Receiver)}, read where it is cheapest to hand on:
     * {@code near} is the I/O thread of a connection the response is for (null: none known). A client
     * that can read the response on that thread does, so that what the receiver sends to that
     * connection is written without waking another thread; this default ignores it.
     */
    default Exchange post(URI url, Map<String, String> headers, byte[] body, Duration connectTimeout, Executor near,
                          Receiver receiver) {
        return post(url, headers, body, connectTimeout, receiver);
    }

    @Override
    default void close() {
    }
}
