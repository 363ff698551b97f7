package dev.switchboard.router.connections;

import java.util.concurrent.Executor;

/** The socket side of a connection, as the registry sees it. Implemented by the transport. */
public interface ConnectionSink {

    /** Queues one text frame for sending; never blocks. */
    void send(String frame);

    /**
     * Queues one text frame and runs {@code written} once the socket took it (on the transport's
     * thread; not at all when the frame never goes out). Never blocks.
     */
    default void send(String frame, Runnable written) {
        send(frame);
        written.run();
    }

    /** The thread that writes this connection's frames, or null when there is no such one thread. */
    default Executor writer() {
        return null;
    }

    /** Frames queued in the transport and not yet written to the socket. */
    int pendingFrames();

    /** Bytes of the frames queued in the transport and not yet written to the socket. */
    long pendingBytes();

    /** Closes the connection with a WebSocket close code. */
    void close(int code, String reason);
}
