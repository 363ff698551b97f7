package dev.switchboard.console.attack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The attacks of the security audit, against a router on this machine, bounded in time: sockets that
 * never finish their handshake (reopened as the router closes them), handshakes with a header of
 * several mebibytes, and a monitor viewer asking for snapshots without ever reading. Used to check
 * that real users keep working meanwhile ({@code src/docs/security.md}). Refuses any address that is
 * not a loopback one.
 */
public final class Attack {
    /** What to throw at the router. */
    public record Plan(URI clientUri, int halfOpen, int headerFloods, int headerBytes, String viewerToken,
                       Duration duration) {
        public Plan {
            Objects.requireNonNull(clientUri, "clientUri must not be null");
            Objects.requireNonNull(duration, "duration must not be null");
            if (halfOpen < 0 || headerFloods < 0 || headerBytes < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
        }
    }

    /** What the attacks achieved, counted as they ran. */
    public static final class Tally {
        final LongAdder halfOpenOpened = new LongAdder();
        final LongAdder halfOpenClosedByRouter = new LongAdder();
        final LongAdder headerFloodsSent = new LongAdder();
        final Map<String, LongAdder> headerFloodAnswers = new ConcurrentHashMap<>();
        final LongAdder snapshotsSent = new LongAdder();
        final LongAdder viewerConnections = new LongAdder();
        final LongAdder viewerRefusals = new LongAdder();
        volatile int halfOpenHeld;

        /** One line: what each attack did so far. */
        public String line() {
            return String.format("half-open: %,d held, %,d opened, %,d closed by the router | header floods: %,d sent, "
                            + "answers %s | snapshot flood: %,d commands over %,d viewer connections, %,d handshakes refused",
                    halfOpenHeld, halfOpenOpened.sum(), halfOpenClosedByRouter.sum(), headerFloodsSent.sum(),
                    answers(), snapshotsSent.sum(), viewerConnections.sum(), viewerRefusals.sum());
        }

        private String answers() {
            StringBuilder out = new StringBuilder("{");
            new java.util.TreeMap<>(headerFloodAnswers).forEach((status, count) ->
                    out.append(out.length() > 1 ? ", " : "").append(status).append(": ").append(count.sum()));
            return out.append('}').toString();
        }
    }

    private final Plan plan;
    private final InetSocketAddress target;
    private final Tally tally = new Tally();
    private final AtomicBoolean stop = new AtomicBoolean();

    public Attack(Plan plan) throws UnknownHostException {
        this.plan = plan;
        InetAddress host = InetAddress.getByName(plan.clientUri().getHost());
        if (!host.isLoopbackAddress()) {
            throw new IllegalArgumentException("attack targets only a router on this machine (a loopback address)");
        }
        this.target = new InetSocketAddress(host, plan.clientUri().getPort());
    }

    public Tally tally() {
        return tally;
    }

    /** Runs every attack until the duration is over; returns the tally. */
    public Tally run() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        threads.add(start("attack-half-open", this::halfOpen));
        for (int i = 0; i < plan.headerFloods(); i++) {
            threads.add(start("attack-header-flood-" + i, this::headerFlood));
        }
        if (plan.viewerToken() != null) {
            threads.add(start("attack-snapshot-flood", this::snapshotFlood));
        }
        Thread.sleep(plan.duration().toMillis());
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        return tally;
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Keeps {@code halfOpen} sockets open that sent half a request line, reopening the ones the router closes. */
    private void halfOpen() {
        if (plan.halfOpen() == 0) {
            return;
        }
        ByteBuffer half = ByteBuffer.wrap("GET /ws?user=half".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer sink = ByteBuffer.allocate(4096);
        Set<SocketChannel> held = ConcurrentHashMap.newKeySet();
        try (Selector selector = Selector.open()) {
            while (!stop.get()) {
                while (held.size() < plan.halfOpen() && !stop.get()) {
                    try {
                        SocketChannel channel = SocketChannel.open(target);
                        channel.write(half.duplicate());
                        channel.configureBlocking(false);
                        channel.register(selector, SelectionKey.OP_READ);
                        held.add(channel);
                        tally.halfOpenOpened.increment();
                    } catch (IOException e) {
                        break;
                    }
                }
                tally.halfOpenHeld = held.size();
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    int read;
                    try {
                        sink.clear();
                        read = channel.read(sink);
                    } catch (IOException e) {
                        read = -1;
                    }
                    if (read < 0) {
                        key.cancel();
                        closeQuietly(channel);
                        held.remove(channel);
                        tally.halfOpenClosedByRouter.increment();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            // the selector could not open: nothing more this attack can do
        } finally {
            held.forEach(Attack::closeQuietly);
            tally.halfOpenHeld = 0;
        }
    }

    /** Sends handshakes with a header of {@code headerBytes}, one after the other, and reads each answer. */
    private void headerFlood() {
        byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        while (!stop.get()) {
            try (Socket socket = new Socket()) {
                socket.connect(target, 5_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                Thread reader = start("attack-header-reader", () -> tally.headerFloodAnswers
                        .computeIfAbsent(statusOf(in), status -> new LongAdder()).increment());
                out.write(("GET /ws?user=flood HTTP/1.1\r\nHost: x\r\nX-Flood: ").getBytes(StandardCharsets.US_ASCII));
                try {
                    for (int sent = 0; sent < plan.headerBytes() && !stop.get(); sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // the router stopped reading once it had answered
                }
                reader.join(10_000);
                tally.headerFloodsSent.increment();
            } catch (IOException e) {
                tally.headerFloodAnswers.computeIfAbsent("no connection", status -> new LongAdder()).increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String statusOf(InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            for (int b = in.read(); b >= 0 && b != '\n' && line.length() < 200; b = in.read()) {
                line.append((char) b);
            }
        } catch (IOException e) {
            return line.length() == 0 ? "reset" : line.toString().trim();
        }
        String status = line.toString().trim();
        return status.isEmpty() ? "closed without answer" : status;
    }

    /**
     * A viewer that asks for a snapshot as fast as it can and never reads; reconnects when closed, and
     * when the router refuses it (a cool-down), tries again every second.
     */
    private void snapshotFlood() {
        byte[] snapshot = maskedText("{\"type\":\"snapshot\"}");
        String path = "/monitor?token=" + plan.viewerToken();
        while (!stop.get()) {
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(target, 5_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(upgradeRequest(path).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!readHead(socket.getInputStream()).startsWith("HTTP/1.1 101")) {
                    tally.viewerRefusals.increment();
                    Thread.sleep(1_000);
                    continue;
                }
                tally.viewerConnections.increment();
                while (!stop.get()) {
                    out.write(snapshot);
                    tally.snapshotsSent.increment();
                }
            } catch (IOException e) {
                // closed by the router (1008 or 1013): connect again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String upgradeRequest(String path) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A client text frame (masked, as RFC 6455 requires of clients). */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("short frames only");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket the router already closed
        }
    }
}
