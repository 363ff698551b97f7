package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.Router;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue #9, finding 5 and the RFC 6455 findings: every protocol error gets its close code, and the client reads it. */
@ExtendWith(NoLeakedThreads.class)
class ProtocolViolationsTest {
    private static final int TEXT = 1;
    private static final int CLOSE = 8;
    private static Router router;

    @BeforeAll
    static void start() {
        router = TestRouters.start();
    }

    @AfterAll
    static void stop() {
        router.stop();
    }

    @Test
    void closesAnUnmaskedClientFrameWith1002() throws IOException {
        long before = router.transportStats().closes(1002);
        try (RawSocket raw = RawSocket.upgrade(router.port(), "/ws?user=unmasked")) {
            raw.readFrame();
            raw.sendFrame(TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), false);
            assertThat(raw.awaitCloseCode()).isEqualTo(1002);
        }
        assertThat(router.transportStats().closes(1002)).isEqualTo(before + 1);
        assertThat(router.meterRegistry().scrape()).contains("switchboard_connections_closed_total{code=\"1002\"}");
    }

    @Test
    void closesACloseFrameWithAnInvalidUtf8ReasonWith1007() throws IOException {
        long before = router.transportStats().closes(1007);
        try (RawSocket raw = RawSocket.upgrade(router.port(), "/ws?user=badclose")) {
            raw.readFrame();
            raw.sendFrame(CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, 0x28}, true);
            assertThat(raw.awaitCloseCode()).isEqualTo(1007);
        }
        assertThat(router.transportStats().closes(1007)).isEqualTo(before + 1);
    }

    @Test
    void closesInvalidUtf8TextWith1007() throws IOException {
        try (RawSocket raw = RawSocket.upgrade(router.port(), "/ws?user=badtext")) {
            raw.readFrame();
            raw.sendFrame(TEXT, new byte[] {'{', (byte) 0xFF, '}'}, true);
            assertThat(raw.awaitCloseCode()).isEqualTo(1007);
        }
    }

    /** The client is still sending when the router closes: it must read 1009, not a reset (1006). */
    @Test
    void aFourMebibyteFrameIsClosedWith1009ThatTheStillSendingClientReads() throws Exception {
        try (RawSocket raw = RawSocket.upgrade(router.port(), "/ws?user=huge")) {
            raw.readFrame();
            CompletableFuture<Integer> code = CompletableFuture.supplyAsync(raw::awaitCloseCode);
            int length = 4 * 1024 * 1024;
            raw.write(RawSocket.frameHeader(TEXT, length, true));
            raw.write(new byte[] {1, 2, 3, 4});
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ('a' ^ 1));
            try {
                for (int sent = 0; sent < length; sent += chunk.length) {
                    raw.write(chunk);
                }
            } catch (IOException e) {
                // the router may end the socket after its grace: the close code read is what counts
            }
            assertThat(code.get()).isEqualTo(1009);
        }
    }

    @Test
    void aJdkClientSendingFourMebibytesReads1009() {
        try (WsClient client = WsClient.connect(router.clientUri(), "jdk-huge")) {
            CompletableFuture.runAsync(() -> {
                try {
                    client.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}");
                } catch (RuntimeException e) {
                    // sending may fail once the router has closed
                }
            });
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void aBadFrameLeavesOtherConnectionsUntouched() throws IOException {
        try (WsClient bystander = WsClient.connect(router.clientUri(), "bystander");
             Socket raw = new Socket("127.0.0.1", router.port())) {
            OutputStream out = raw.getOutputStream();
            out.write(RawSocket.request("/ws?user=garbage", "").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {(byte) 0x8F, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 1});
            out.flush();
            bystander.assertUsable();
        }
    }

    /**
     * A peer that pings without reading gets no pongs piled up for it: only while the socket takes
     * them. What the kernel holds (the router's send buffer, at most {@code tcp_wmem}'s maximum, and
     * the peer's receive buffer) is not the router's to bound, so the peer sends twice as many pings
     * as those buffers and the router's own outbound buffer could hold pongs.
     */
    @Test
    void pingsFromAPeerThatDoesNotReadAreNotAnsweredWithoutBound() throws Exception {
        try (RawSocket raw = RawSocket.upgrade(router.port(), "/ws?user=pinger", 4096)) {
            raw.readFrame();
            byte[] payload = new byte[125];
            long buffers = kernelSendBufferMax() + 2L * raw.receiveBufferSize() + NETTY_HIGH_WATER_MARK;
            int couldHold = (int) (buffers / (2 + payload.length));
            int toSend = 2 * couldHold + 5_000;
            int sent = 0;
            try {
                for (; sent < toSend; sent++) {
                    raw.sendFrame(9, payload, true);
                }
            } catch (IOException e) {
                // the router may stop reading a peer that does not read: fine either way
            }
            raw.readTimeout(1_000);
            int pongs = 0;
            try {
                while (true) {
                    if (raw.readFrame().opcode() == 10) {
                        pongs++;
                    }
                }
            } catch (IOException e) {
                // read everything the router had queued
            }
            assertThat(sent).isGreaterThan(couldHold + 5_000);
            assertThat(pongs).as("pongs for %d pings; the buffers could hold %d", sent, couldHold)
                    .isPositive().isLessThanOrEqualTo(couldHold);
        }
        try (WsClient after = WsClient.connect(router.clientUri(), "after-pings")) {
            after.assertUsable();
        }
    }

    /** Netty's default high water mark: a channel stops being writable past it. */
    private static final int NETTY_HIGH_WATER_MARK = 64 * 1024;

    /** The most a TCP send buffer grows to here ({@code net.ipv4.tcp_wmem}'s maximum), or 4 MiB. */
    private static long kernelSendBufferMax() {
        try {
            String[] fields = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return 4L << 20;
        }
    }
}
