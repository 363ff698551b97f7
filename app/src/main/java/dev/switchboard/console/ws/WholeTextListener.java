package dev.switchboard.console.ws;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;

/**
 * A JDK WebSocket listener that hands on whole text messages (the client may deliver one in
 * parts) and asks for the next one after each part, even when handing on failed. One per opening
 * of a {@link ClientConnection}, so a message cut off by a closed connection is never glued to
 * the first message of the next.
 */
abstract class WholeTextListener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public final CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        try {
            if (last && partial.length() == 0) {
                onMessage(data.toString());
            } else {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    onMessage(text);
                }
            }
        } finally {
            webSocket.request(1);
        }
        return null;
    }

    /** One whole text message. */
    protected abstract void onMessage(String text);
}
