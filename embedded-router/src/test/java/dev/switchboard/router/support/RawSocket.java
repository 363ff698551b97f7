package dev.switchboard.router.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A plain TCP socket that speaks HTTP and RFC 6455 byte by byte, so tests can send what no
 * well-behaved client would: unmasked frames, bad close frames, oversized headers, half a request.
 */
public final class RawSocket implements AutoCloseable {
    /** The close code read when the socket ended without a close frame. */
    public static final int NO_CLOSE_FRAME = 1006;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects a TCP socket and sends nothing. */
    public static RawSocket connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** Connects with a receive buffer of {@code receiveBuffer} bytes (0: the system's), for clients that do not read. */
    public static RawSocket connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return new RawSocket(socket);
    }

    /** Connects and completes a WebSocket upgrade to {@code pathAndQuery}; fails unless it gets 101. */
    public static RawSocket upgrade(int port, String pathAndQuery) throws IOException {
        return upgrade(port, pathAndQuery, 0);
    }

    /** Upgrades with a small receive buffer (see {@link #connect(int, int)}). */
    public static RawSocket upgrade(int port, String pathAndQuery, int receiveBuffer) throws IOException {
        RawSocket raw = connect(port, receiveBuffer);
        raw.write(request(pathAndQuery, ""));
        String head = raw.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new AssertionError("upgrade refused: " + head);
        }
        return raw;
    }

    /** A well-formed upgrade request with {@code extraHeaders} (each ending in CRLF). */
    public static String request(String pathAndQuery, String extraHeaders) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads an HTTP response head (status line and headers) and its body if it has a Content-Length. */
    public String readResponse() throws IOException {
        String head = readHead();
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head.size() + " bytes of response: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends one frame with FIN set; {@code masked} as a client must (false to break the rule). */
    public void sendFrame(int opcode, byte[] payload, boolean masked) throws IOException {
        out.write(frameHeader(opcode, payload.length, masked));
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            out.write(mask);
        }
        byte[] body = payload.clone();
        for (int i = 0; masked && i < body.length; i++) {
            body[i] ^= mask[i % 4];
        }
        out.write(body);
        out.flush();
    }

    /** A frame header announcing {@code length} payload bytes, for streaming a payload by hand. */
    public static byte[] frameHeader(int opcode, long length, boolean masked) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x80 | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            header.write(maskBit | (int) length);
        } else if (length <= 0xFFFF) {
            header.write(maskBit | 126);
            header.write((int) (length >> 8));
            header.write((int) length);
        } else {
            header.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header.write((int) (length >> shift));
            }
        }
        return header.toByteArray();
    }

    /** One frame from the server: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {
        /** The close code of a close frame (1005 when it has none). */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        public String text() {
            return new String(payload, opcode == 8 && payload.length >= 2 ? 2 : 0,
                    payload.length - (opcode == 8 && payload.length >= 2 ? 2 : 0), StandardCharsets.UTF_8);
        }
    }

    /** Reads one frame (unmasked, as servers send them). */
    public Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** Reads frames until a close frame and returns its code; {@link #NO_CLOSE_FRAME} if the socket just ended. */
    public int awaitCloseCode() {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == 8) {
                    return frame.closeCode();
                }
            }
        } catch (IOException e) {
            return NO_CLOSE_FRAME;
        }
    }

    /** Whether the server has closed the socket (read returns end of stream or a reset) within the read timeout. */
    public boolean isClosedByServer() {
        try {
            InputStream raw = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (raw.read(buffer) >= 0) {
                // discard whatever comes before the end
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The receive buffer the system gave this socket, in bytes. */
    public int receiveBufferSize() throws IOException {
        return socket.getReceiveBufferSize();
    }

    public void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
