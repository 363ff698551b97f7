package dev.switchboard.router.agents.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    private static final byte COLON = ':';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    /** Buffers start this large, and go back to it after an event that needed more than {@link #KEEP_BYTES}. */
    private static final int INITIAL_BYTES = 256;
    private static final int KEEP_BYTES = 16 * 1024;
    /** Event types remembered, so that a stream's few types are decoded once each. */
    private static final int TYPES_KEPT = 8;

    private final int maxEventBytes;
    private final Listener listener;
    /** The line being read, without its end; and the event's data lines so far, each followed by LF. */
    private byte[] line = new byte[INITIAL_BYTES];
    private int lineLength;
    private byte[] data = new byte[INITIAL_BYTES];
    private int dataLength;
    private final byte[][] typeBytes = new byte[TYPES_KEPT][];
    private final String[] types = new String[TYPES_KEPT];
    /** Where the next type read is kept: the oldest goes first. */
    private int nextTypeSlot;
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
                if (lineLength >= maxEventBytes) {
                    lineOverflowed = true;
                } else {
                    appendToLine(b);
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
        lineLength = 0;
        resetEvent();
    }

    /** Whether bytes of an event not yet dispatched are held (a stream that ends now loses them). */
    public boolean hasPartialEvent() {
        return lineLength > 0 || dataSeen || !eventType.isEmpty();
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
        for (int i = 0; i < bomMatched; i++) {
            appendToLine(BOM[i]); // a prefix of the mark that was not one: it is text
        }
        return false;
    }

    private void appendToLine(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, INITIAL_BYTES), maxEventBytes + BOM.length));
        }
        line[lineLength++] = b;
    }

    /**
     * A line ended: read in place, from the bytes (the colon, LF and the field names are ASCII, which
     * UTF-8 never uses inside a longer character), so that a line costs no copy of its own.
     */
    private void endLine() {
        boolean overflowed = lineOverflowed;
        int length = lineLength;
        byte[] bytes = line;
        lineLength = 0;
        lineOverflowed = false;
        if (bytes.length > KEEP_BYTES) {
            line = new byte[INITIAL_BYTES]; // a long line's buffer is not kept; this line is read from `bytes`
        }
        if (length == 0 && !overflowed) {
            dispatch();
            return;
        }
        if (bytes[0] == COLON) {
            listener.onComment();
            return;
        }
        int colon = indexOf(bytes, length, COLON);
        int fieldEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : colon + (colon + 1 < length && bytes[colon + 1] == ' ' ? 2 : 1);
        boolean isData = equals(bytes, fieldEnd, DATA);
        if (overflowed) {
            eventOverflowed = true;
            dataSeen |= isData;
            return;
        }
        if (isData) {
            appendData(bytes, valueStart, length);
        } else if (equals(bytes, fieldEnd, EVENT)) {
            eventType = type(bytes, valueStart, length);
        } // id, retry and unknown fields: nothing the router uses
    }

    private void appendData(byte[] bytes, int from, int to) {
        dataSeen = true;
        eventBytes += to + 1;
        if (eventOverflowed || eventBytes > maxEventBytes) {
            eventOverflowed = true;
            dataLength = 0;
            return;
        }
        int needed = dataLength + to - from + 1;
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
        System.arraycopy(bytes, from, data, dataLength, to - from);
        dataLength = needed;
        data[dataLength - 1] = LF;
    }

    /** The type in {@code bytes[from, to)}, the same String as the last time this stream sent it. */
    private String type(byte[] bytes, int from, int to) {
        for (int i = 0; i < TYPES_KEPT && typeBytes[i] != null; i++) {
            if (Arrays.equals(typeBytes[i], 0, typeBytes[i].length, bytes, from, to)) {
                return types[i];
            }
        }
        String type = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        typeBytes[nextTypeSlot] = Arrays.copyOfRange(bytes, from, to);
        types[nextTypeSlot] = type;
        nextTypeSlot = (nextTypeSlot + 1) % TYPES_KEPT;
        return type;
    }

    private void dispatch() {
        if (!dataSeen) {
            resetEvent(); // the standard: no data, no event
            return;
        }
        String type = eventType.isEmpty() ? "message" : eventType;
        String text = eventOverflowed ? null : new String(data, 0, dataLength - 1, StandardCharsets.UTF_8);
        boolean overflowed = eventOverflowed;
        resetEvent();
        listener.onEvent(type, text, overflowed);
    }

    private void resetEvent() {
        dataLength = 0;
        if (data.length > KEEP_BYTES) {
            data = new byte[INITIAL_BYTES];
        }
        eventType = "";
        eventBytes = 0;
        eventOverflowed = false;
        dataSeen = false;
    }

    private static int indexOf(byte[] bytes, int length, byte wanted) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static boolean equals(byte[] bytes, int length, byte[] name) {
        return Arrays.equals(bytes, 0, length, name, 0, name.length);
    }
}
