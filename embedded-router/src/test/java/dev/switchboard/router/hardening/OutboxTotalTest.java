package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.router.Router;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each outbox is bounded on its own (256 KiB by default), but many clients that stop reading can
 * together hold more than the heap has: the console's embedded router ran out of its 384 MB with
 * 500 of them. Over {@code outbox_total_bytes} in all, the connections holding their share or more
 * are closed with 1013, and a client that keeps up is untouched.
 */
@ExtendWith(NoLeakedThreads.class)
class OutboxTotalTest {
    private static final String PAD = "x".repeat(8 * 1024);
    /** Frames of 8 KiB sent to each reader: 160 KiB, under its own 256 KiB bound; 320 KiB for both. */
    private static final int FRAMES = 20;
    /** A frame of about 45 bytes: {@code {"type":"pong","pad":"…"}}. */
    private static final String TINY_PAD = "x".repeat(20);
    /** Tiny frames sent to each reader: under its own bound of 1,024 frames, 40 KB of payload. */
    private static final int TINY_FRAMES = 900;
    private static final int TINY_BATCH = 25;

    @Test
    void readersOverTheTotalTogetherAreClosedThoughEachIsUnderItsOwnBound() throws Exception {
        bothClosedOverTheTotal(PAD, FRAMES, 1);
    }

    /**
     * Frames of a few dozen bytes: what each waiting one holds besides its payload (its buffer,
     * frame and callbacks, ~176 bytes) is most of the heap they take, and counts. By payload alone
     * neither reader holds its share (32 KiB) nor both the total, and both would stay.
     */
    @Test
    void tinyFramesCountTheObjectsAroundThemNotOnlyTheirPayloads() throws Exception {
        bothClosedOverTheTotal(TINY_PAD, TINY_FRAMES, TINY_BATCH);
    }

    /**
     * Two readers that stop reading are sent {@code frames} frames each, {@code batch} at a time, with
     * a total of 96 KiB: both are closed with 1013 and a third client goes on.
     */
    private static void bothClosedOverTheTotal(String pad, int frames, int batch) throws Exception {
        try (Router router = start(96 * 1024);
             WsClient bystander = WsClient.connect(router.clientUri(), "bystander");
             RawSocket first = RawSocket.upgrade(router.port(), "/ws?user=sleeper-1", 4096);
             RawSocket second = RawSocket.upgrade(router.port(), "/ws?user=sleeper-2", 4096)) {
            first.readFrame();
            second.readFrame();

            fill(router, pad, frames, batch);

            await().atMost(Duration.ofSeconds(5)).until(() -> router.connections().stream()
                    .noneMatch(c -> c.userId().startsWith("sleeper")));
            first.readTimeout(5_000);
            second.readTimeout(5_000);
            assertThat(first.isClosedByServer()).isTrue();
            assertThat(second.isClosedByServer()).isTrue();
            assertThat(router.transportStats().closes(1013)).isEqualTo(2);
            assertThat(router.meterRegistry().scrape()).contains("switchboard_outbox_total_closed_total 2.0");
            bystander.assertUsable();
        }
    }

    @Test
    void underTheTotalTheSameReadersStay() throws Exception {
        try (Router router = start(1024 * 1024);
             RawSocket first = RawSocket.upgrade(router.port(), "/ws?user=sleeper-1", 4096);
             RawSocket second = RawSocket.upgrade(router.port(), "/ws?user=sleeper-2", 4096)) {
            first.readFrame();
            second.readFrame();

            fill(router, PAD, FRAMES, 1);

            assertThat(router.connections()).extracting(c -> c.userId())
                    .containsExactlyInAnyOrder("sleeper-1", "sleeper-2");
            assertThat(router.transportStats().closes(1013)).isZero();
            assertThat(router.meterRegistry().scrape()).contains("switchboard_outbox_total_closed_total 0.0");
        }
    }

    private static Router start(long totalBytes) throws Exception {
        return TestRouters.start(config -> config.outboxBytes(256 * 1024).outboxTotalBytes(totalBytes)
                .socketSendBuffer(8 * 1024).closeGrace(Duration.ofSeconds(1)));
    }

    /** Sends each reader {@code frames} frames, {@code batch} at a time, pausing past the 20 ms between two sums. */
    private static void fill(Router router, String pad, int frames, int batch) throws InterruptedException {
        for (int sent = 0; sent < frames; sent += batch) {
            for (int i = 0; i < batch; i++) {
                router.emitToUser("sleeper-1", ServerEvent.builder(EventType.PONG).put("pad", pad).build());
                router.emitToUser("sleeper-2", ServerEvent.builder(EventType.PONG).put("pad", pad).build());
            }
            Thread.sleep(25);
        }
    }
}
