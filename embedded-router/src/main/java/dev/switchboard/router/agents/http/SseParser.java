package dev.switchboard.router.agents.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An incremental parser of a Server-Sent Events stream, as the WHATWG HTML standard's "Interpreting an
 * event stream" says: UTF-8 with a leading byte-order mark dropped; lines end with CRLF, LF or CR (also
 * when the CR and the LF come in different buffers); an empty line dispatches the event; a line that
 * starts with {@code :} is a comment; {@code field: value} loses one leading space of the value; a line
 * without a colon is a field with an empty value; {@code data} lines are joined with newlines; an event
 * with no data is not dispatched; {@code id} and {@code retry} are read and ignored (the router does not
 * reconnect); an incomplete event at the end of the stream is discarded.
 *
 * <p>Memory is bounded: an event's fields are kept up to {@code maxEventBytes}; past that the event is
 * still read to its end but dispatched as overflowed, with no data. Not thread-safe: one stream, fed
 * in order from one thread at a time.
 */
public final class SseParser {

    /** What the parser finds. */
    public interface Listener {
        /**
         * One event.
         *
         * @param type       the {@code event} field, or {@code message} when there was none
         * @param data       the {@code data} lines joined by newlines, or null when the event overflowed
         * @param overflowed whether the event was larger than the parser keeps
         */
        void onEvent(String type, String data, boolean overflowed);

        /** A comment line (a keep-alive). */
        default void onComment() {
        }
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final int maxEventBytes;
    private final Listener listener;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private int eventBytes;
    private boolean lineOverflowed;
    private boolean eventOverflowed;
    private boolean dataSeen;
    private boolean afterCr;
    private int bomMatched;
    private boolean bomChecked;

    public SseParser(int maxEventBytes, Listener listener) {
        if (maxEventBytes < 16) {
            throw new IllegalArgumentException("maxEventBytes must be at least 16, was " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
    }

    /** Reads the bytes in {@code buffer} (all of them), dispatching what they complete. */
    public void feed(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            byte b = buffer.get();
            if (!bomChecked && skipBom(b)) {
                continue;
            }
            if (afterCr) {
                afterCr = false;
                if (b == LF) {
                    continue; // the LF of a CRLF
                }
            }
            if (b == CR || b == LF) {
                afterCr = b == CR;
                endLine();
            } else if (!lineOverflowed) {
                if (line.size() >= maxEventBytes) {
                    lineOverflowed = true;
                } else {
                    line.write(b);
                }
            }
        }
    }

    /** Convenience for tests and fixtures: feeds the UTF-8 bytes of {@code text}. */
    public void feed(String text) {
        feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The stream ended: an event not yet ended by an empty line is discarded, as the standard says. */
    public void end() {
        line.reset();
        resetEvent();
    }

    /** Whether bytes of an event not yet dispatched are held (a stream that ends now loses them). */
    public boolean hasPartialEvent() {
        return line.size() > 0 || dataSeen || !eventType.isEmpty();
    }

    /** Matches the byte-order mark at the stream's start; returns whether {@code b} was part of it. */
    private boolean skipBom(byte b) {
        if (b == BOM[bomMatched]) {
            bomMatched++;
            if (bomMatched == BOM.length) {
                bomChecked = true;
            }
            return true;
        }
        bomChecked = true;
        if (bomMatched > 0) {
            line.write(BOM, 0, bomMatched); // a prefix of the mark that was not one: it is text
        }
        return false;
    }

    private void endLine() {
        boolean overflowed = lineOverflowed;
        byte[] bytes = line.toByteArray();
        line.reset();
        lineOverflowed = false;
        if (bytes.length == 0 && !overflowed) {
            dispatch();
            return;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith(":")) {
            listener.onComment();
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + (text.startsWith(" ", colon + 1) ? 2 : 1));
        if (overflowed) {
            eventOverflowed = true;
            dataSeen |= field.equals("data");
            return;
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> appendData(value, bytes.length);
            default -> { } // id, retry and unknown fields: nothing the router uses
        }
    }

    private void appendData(String value, int lineBytes) {
        dataSeen = true;
        eventBytes += lineBytes + 1;
        if (eventOverflowed || eventBytes > maxEventBytes) {
            eventOverflowed = true;
            data.setLength(0);
            return;
        }
        data.append(value).append('\n');
    }

    private void dispatch() {
        if (!dataSeen) {
            resetEvent(); // the standard: no data, no event
            return;
        }
        String type = eventType.isEmpty() ? "message" : eventType;
        String text = eventOverflowed ? null : data.substring(0, data.length() - 1);
        boolean overflowed = eventOverflowed;
        resetEvent();
        listener.onEvent(type, text, overflowed);
    }

    private void resetEvent() {
        data.setLength(0);
        eventType = "";
        eventBytes = 0;
        eventOverflowed = false;
        dataSeen = false;
    }
}
