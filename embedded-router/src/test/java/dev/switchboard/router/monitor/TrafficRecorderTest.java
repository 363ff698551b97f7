package dev.switchboard.router.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.protocol.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The recorder's bounds, without sockets: what it queues, splits, drops and counts, and when a recording ends. */
class TrafficRecorderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicLong nanos = new AtomicLong();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    /** A monitor connection that takes frames while {@code reading}. */
    private static final class Connection implements TrafficRecorder.Recipient {
        final List<JsonNode> frames = new ArrayList<>();
        boolean reading = true;
        boolean open = true;

        @Override
        public boolean offer(String frame, boolean last) {
            if (!reading && !last) {
                return false;
            }
            try {
                frames.add(JSON.readTree(frame));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return true;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        long entries() {
            return frames.stream().mapToLong(frame -> frame.path("entries").size()).sum();
        }

        long dropped() {
            return frames.stream().mapToLong(frame -> frame.path("dropped").asLong()).sum();
        }

        JsonNode last() {
            return frames.get(frames.size() - 1);
        }
    }

    private TrafficRecorder recorder() {
        return new TrafficRecorder(clock, nanos::get, 1_024, false);
    }

    @Test
    void aFlushedRecordingEndsWithEveryEntryAndAFrameOverTheLimitKeepsOnlyItsLength() {
        TrafficRecorder recorder = recorder();
        Connection connection = new Connection();
        recorder.start(connection, false, Duration.ofMinutes(1));
        recorder.frame("alice", "c-1", "{\"type\":\"user_message\",\"payload\":{\"content\":\"my cat Tom, 7 years\"}}");
        recorder.frame("alice", "c-1", "x".repeat(5_000));
        recorder.frame("alice", "c-1", "[\"secret\",1]");
        recorder.errorSent("alice", "c-1", "invalid", null, ErrorCode.TOO_LARGE, "too large");
        assertThat(recorder.stop(connection)).isTrue();
        recorder.tick();

        assertThat(connection.last().path("type").asText()).isEqualTo("recording_ended");
        assertThat(connection.last().path("reason").asText()).isEqualTo("stopped");
        List<JsonNode> entries = new ArrayList<>();
        connection.frames.forEach(frame -> frame.path("entries").forEach(entries::add));
        assertThat(entries).extracting(entry -> entry.path("kind").asText())
                .containsExactly("message", "unparsed", "unparsed", "error");
        String content = entries.get(0).path("message").path("payload").path("content").asText();
        assertThat(content).hasSameSizeAs("my cat Tom, 7 years").contains(" ", ",").doesNotContain("cat", "Tom", "7");
        assertThat(entries.get(1).path("chars").asInt()).isEqualTo(5_000);
        assertThat(entries.get(1).has("value")).as("a frame over the limit keeps no text").isFalse();
        assertThat(entries.get(2).path("value").toString()).doesNotContain("secret").contains(",1]");
        assertThat(entries.get(3).path("code").asText()).isEqualTo("too_large");
    }

    @Test
    void aRecorderThatDoesNotReadLosesEntriesCountedNotItsConnection() {
        TrafficRecorder recorder = recorder();
        Connection connection = new Connection();
        recorder.start(connection, false, Duration.ofMinutes(1));
        connection.reading = false;
        for (int i = 0; i < 500; i++) {
            recorder.frame("alice", "c-1", "{\"type\":\"ping\",\"message_id\":\"p-" + i + "\"}");
        }
        recorder.tick();
        assertThat(connection.frames).isEmpty();
        connection.reading = true;
        recorder.frame("alice", "c-1", "{\"type\":\"ping\",\"message_id\":\"late\"}");
        recorder.tick();
        assertThat(connection.entries()).isEqualTo(1);
        assertThat(connection.dropped()).isEqualTo(500);
    }

    @Test
    void theQueueIsBoundedAndWhatItRefusesIsCounted() {
        TrafficRecorder recorder = recorder();
        Connection connection = new Connection();
        recorder.start(connection, false, Duration.ofMinutes(1));
        int sent = TrafficRecorder.QUEUE + 1_000;
        for (int i = 0; i < sent; i++) {
            recorder.frame("alice", "c-1", "{\"type\":\"ping\"}");
        }
        recorder.stop(connection);
        recorder.tick();
        assertThat(connection.entries()).isEqualTo(TrafficRecorder.QUEUE);
        assertThat(connection.dropped()).isEqualTo(1_000);
        assertThat(connection.entries() + connection.dropped()).isEqualTo(sent);
    }

    @Test
    void bigEntriesGoAsSeveralFramesOfBoundedSize() {
        TrafficRecorder recorder = new TrafficRecorder(clock, nanos::get, 1_000_000, false);
        Connection connection = new Connection();
        recorder.start(connection, true, Duration.ofMinutes(1));
        String big = "{\"type\":\"user_message\",\"payload\":{\"content\":\"" + "a".repeat(200_000) + "\"}}";
        for (int i = 0; i < 20; i++) {
            recorder.frame("alice", "c-1", big);
        }
        recorder.tick();
        assertThat(connection.entries()).isEqualTo(20);
        assertThat(connection.frames).hasSizeGreaterThan(3)
                .allMatch(frame -> frame.toString().length() < TrafficRecorder.FRAME_CHARS + 2 * big.length());
    }

    @Test
    void aRecordingStartedLaterGetsOnlyWhatCameAfterItsStart() {
        dev.switchboard.router.support.ManualClock moving = new dev.switchboard.router.support.ManualClock();
        TrafficRecorder recorder = new TrafficRecorder(moving, nanos::get, 1_024, false);
        Connection early = new Connection();
        recorder.start(early, false, Duration.ofMinutes(1));
        recorder.frame("alice", "c-1", "{\"type\":\"ping\",\"message_id\":\"before\"}");
        moving.advance(Duration.ofMillis(10));
        Connection late = new Connection();
        recorder.start(late, false, Duration.ofMinutes(1));
        moving.advance(Duration.ofMillis(10));
        recorder.frame("alice", "c-1", "{\"type\":\"ping\",\"message_id\":\"after\"}");
        recorder.tick();
        assertThat(early.entries()).isEqualTo(2);
        assertThat(late.frames).singleElement().satisfies(frame -> {
            assertThat(frame.path("entries")).hasSize(1);
            assertThat(frame.path("entries").get(0).path("message").path("message_id").asText()).isEqualTo("after");
        });
    }

    @Test
    void aRecordingExpiresAndAClosedConnectionIsForgottenItsPlaceFreed() {
        TrafficRecorder recorder = recorder();
        Connection first = new Connection();
        recorder.start(first, false, Duration.ofSeconds(5));
        nanos.addAndGet(Duration.ofSeconds(6).toNanos());
        recorder.tick();
        assertThat(first.last().path("reason").asText()).isEqualTo("expired");

        Connection closing = new Connection();
        recorder.start(closing, false, Duration.ofMinutes(1));
        closing.open = false;
        recorder.frame("alice", "c-1", "{\"type\":\"ping\"}");
        recorder.tick();
        assertThat(closing.frames).isEmpty();
        for (int i = 0; i < TrafficRecorder.MAX_RECORDINGS; i++) {
            recorder.start(new Connection(), false, Duration.ofMinutes(1)); // the closed one's place is free
        }
    }
}
