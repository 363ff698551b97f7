package dev.switchboard.router.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 with a hard frame-size limit, plus what Java-WebSocket lacks (its issue #1423): refusing
 * an upgrade with a real HTTP status. Java-WebSocket answers every rejected handshake with 404; this
 * draft writes a {@link Refusal} as a plain HTTP response ({@code 401} with a JSON body) instead.
 */
final class AuthenticatingDraft extends Draft_6455 {
    private final int maxFrameSize;

    AuthenticatingDraft(int maxFrameSize) {
        super(List.of(), List.of(new Protocol("")), maxFrameSize);
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    public Draft copyInstance() {
        return new AuthenticatingDraft(maxFrameSize);
    }

    @Override
    public HandshakeBuilder postProcessHandshakeResponseAsServer(ClientHandshake request,
                                                                 ServerHandshakeBuilder response)
            throws InvalidHandshakeException {
        return response instanceof Refusal ? response : super.postProcessHandshakeResponseAsServer(request, response);
    }

    @Override
    public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
        if (handshake instanceof Refusal refusal) {
            byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + refusal.status() + " " + refusal.reasonPhrase() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + (refusal.status() == 401 ? "WWW-Authenticate: Bearer\r\n" : "")
                    + "Connection: close\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer buffer = ByteBuffer.allocate(headBytes.length + body.length);
            buffer.put(headBytes).put(body).flip();
            return List.of(buffer);
        }
        return super.createHandshake(handshake, withContent);
    }
}
