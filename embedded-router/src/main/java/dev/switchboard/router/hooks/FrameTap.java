package dev.switchboard.router.hooks;

/**
 * Hears every text frame a client sends, as it arrives and before anything checks it (a
 * {@code record} of the monitor). Called on the socket's I/O thread: must be cheap and never block.
 */
@FunctionalInterface
public interface FrameTap {

    /** Hears nothing. */
    FrameTap NONE = (userId, connectionId, text) -> {
    };

    /**
     * @param userId       the sender
     * @param connectionId the connection it came on
     * @param text         the frame as sent
     */
    void frame(String userId, String connectionId, String text);
}
