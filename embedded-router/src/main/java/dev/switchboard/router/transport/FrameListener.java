package dev.switchboard.router.transport;

import dev.switchboard.router.connections.ConnectionClose;

/** What an upgraded connection's frames go to. Called on the connection's I/O thread: must not block. */
interface FrameListener {

    /** A whole text message arrived (continuation frames already joined, UTF-8 already checked). */
    void text(String text);

    /** A whole binary message arrived. */
    void binary();

    /**
     * The connection ended: closed by either side, aborted, or the router decided to close it. Called
     * once, as soon as the router decides to close (not when the socket is finally gone), so that
     * nothing more is sent to it and whatever it owned is released at once.
     *
     * @param close the close code, its reason and which side closed
     */
    void ended(ConnectionClose close);
}
