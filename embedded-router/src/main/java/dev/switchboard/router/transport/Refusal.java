package dev.switchboard.router.transport;

import org.java_websocket.handshake.HandshakeImpl1Server;

/** A handshake answer that refuses the upgrade with an HTTP status and a JSON body. */
final class Refusal extends HandshakeImpl1Server {
    private final int status;
    private final String reasonPhrase;
    private final String body;

    Refusal(int status, String reasonPhrase, String body) {
        this.status = status;
        this.reasonPhrase = reasonPhrase;
        this.body = body;
    }

    int status() {
        return status;
    }

    String reasonPhrase() {
        return reasonPhrase;
    }

    String body() {
        return body;
    }
}
