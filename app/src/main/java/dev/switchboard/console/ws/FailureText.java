package dev.switchboard.console.ws;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Why a WebSocket connect or send failed, in words a user can act on (never a bare class name or "null"). */
final class FailureText {

    private FailureText() {
    }

    /**
     * @param failure        what the JDK client reported
     * @param connectTimeout how long the connect was given, for the words of a time-out
     */
    static String describe(Throwable failure, Duration connectTimeout) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof WebSocketHandshakeException refused) {
            return "the router refused the handshake (HTTP " + refused.getResponse().statusCode() + ")";
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + connectTimeout.toSeconds() + " s";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect" + (cause.getMessage() == null ? " (is the router running?)" : ": " + cause.getMessage());
        }
        if (cause instanceof IOException && cause.getMessage() != null && cause.getMessage().contains("closed")) {
            return "the connection is closed";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
