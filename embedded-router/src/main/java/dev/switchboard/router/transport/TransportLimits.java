package dev.switchboard.router.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * What the socket server lets an outsider hold before it refuses: sockets, handshake bytes and
 * time, and how long a closing connection may linger.
 *
 * @param maxConnections       open WebSocket connections (clients and monitors); over it a handshake gets 503
 * @param maxPendingHandshakes sockets accepted but not yet upgraded; over it a new socket is closed at once
 * @param handshakeTimeout     a socket that has not completed its upgrade by then is closed
 * @param maxRequestLineBytes  the request line (method, URL, version); over it 414
 * @param maxHeaderBytes       all header lines together; over it 431
 * @param socketSendBuffer     the kernel send buffer of each connection (SO_SNDBUF), fixed so that what a
 *                             slow reader holds in the kernel is bounded and known
 * @param closeGrace           how long a connection the router closes may take to read its close frame
 *                             before the socket is aborted
 * @param drainBytes           bytes read and discarded after a refusal or a protocol error; then reading
 *                             stops until the grace ends
 */
public record TransportLimits(int maxConnections, int maxPendingHandshakes, Duration handshakeTimeout,
                              int maxRequestLineBytes, int maxHeaderBytes, int socketSendBuffer,
                              Duration closeGrace, int drainBytes) {

    public TransportLimits {
        requireAtLeast(maxConnections, 1, "maxConnections");
        requireAtLeast(maxPendingHandshakes, 1, "maxPendingHandshakes");
        requireAtLeast(maxRequestLineBytes, 64, "maxRequestLineBytes");
        requireAtLeast(maxHeaderBytes, 256, "maxHeaderBytes");
        requireAtLeast(socketSendBuffer, 4096, "socketSendBuffer");
        requireAtLeast(drainBytes, 0, "drainBytes");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout must not be null");
        Objects.requireNonNull(closeGrace, "closeGrace must not be null");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive");
        }
        if (closeGrace.isNegative()) {
            throw new IllegalArgumentException("closeGrace must not be negative");
        }
    }

    private static void requireAtLeast(long value, long least, String name) {
        if (value < least) {
            throw new IllegalArgumentException(name + " must be at least " + least);
        }
    }
}
