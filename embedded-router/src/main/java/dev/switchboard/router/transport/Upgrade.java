package dev.switchboard.router.transport;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/** What the server decided about a well-formed upgrade request. */
sealed interface Upgrade {

    /** Refused with an HTTP status, a JSON body and extra headers. */
    record Refused(HttpResponseStatus status, String body, Map<String, String> headers) implements Upgrade {
    }

    /** Accepted: {@code session} takes the connection; {@code opened} runs once the 101 is out. */
    record Accepted(WebSocketSession session, Runnable opened) implements Upgrade {
    }
}
