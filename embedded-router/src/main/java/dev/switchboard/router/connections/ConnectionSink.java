package dev.switchboard.router.connections;

/** The socket side of a connection, as the registry sees it. Implemented by the transport. */
public interface ConnectionSink {

    /** Queues one text frame for sending; never blocks. */
    void send(String frame);

    /** Frames queued in the transport and not yet written to the socket. */
    int pendingFrames();

    /** Bytes of the frames queued in the transport and not yet written to the socket. */
    long pendingBytes();

    /** Closes the connection with a WebSocket close code. */
    void close(int code, String reason);
}
