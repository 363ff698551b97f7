package dev.switchboard.router.agents.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser against the examples of the WHATWG standard ("Interpreting an event stream") and the edges it names. */
class SseParserTest {

    private record Event(String type, String data, boolean overflowed) {
    }

    private final List<Event> events = new ArrayList<>();
    private int comments;
    private final SseParser parser = new SseParser(1024, new SseParser.Listener() {
        @Override
        public void onEvent(String type, String data, boolean overflowed) {
            events.add(new Event(type, data, overflowed));
        }

        @Override
        public void onComment() {
            comments++;
        }
    });

    @Test
    void stockExampleJoinsDataLinesWithNewlines() {
        parser.feed("data: YHOO\ndata: +2\ndata: 10\n\n");

        assertThat(events).containsExactly(new Event("message", "YHOO\n+2\n10", false));
    }

    @Test
    void commentBlockFiresNothingAndIdsAreIgnored() {
        parser.feed(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n");

        assertThat(comments).isEqualTo(1);
        assertThat(events).extracting(Event::data).containsExactly("first event", "second event", " third event");
    }

    @Test
    void dataWithoutColonIsAnEmptyValue() {
        parser.feed("data\n\ndata\ndata\n\ndata:\n\n");

        assertThat(events).extracting(Event::data).containsExactly("", "\n", "");
    }

    @Test
    void oneLeadingSpaceIsDroppedAndNoMore() {
        parser.feed("data:test\n\ndata: test\n\n");

        assertThat(events).extracting(Event::data).containsExactly("test", "test");
    }

    @Test
    void eventFieldNamesTheTypeForOneEventOnly() {
        parser.feed("event: agent_thinking\ndata: {\"thought\":\"x\"}\n\ndata: {}\n\n");

        assertThat(events).containsExactly(new Event("agent_thinking", "{\"thought\":\"x\"}", false),
                new Event("message", "{}", false));
    }

    @Test
    void crLfAndCrAndLfAllEndLinesEvenSplitAcrossBuffers() {
        feedInPieces("event: a\r\ndata: 1\r\r", "event: b\rdata: 2\r", "\n\r", "\nevent: c\ndata: 3\n\n");

        assertThat(events).containsExactly(new Event("a", "1", false), new Event("b", "2", false),
                new Event("c", "3", false));
    }

    @Test
    void everyByteInItsOwnBufferGivesTheSameEvents() {
        String stream = "\uFEFFevent: tool_completed\r\ndata: {\"tool\":\"s\u00e9arch\"}\r\n\r\n";
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
            parser.feed(ByteBuffer.wrap(new byte[] {b}));
        }

        assertThat(events).containsExactly(new Event("tool_completed", "{\"tool\":\"s\u00e9arch\"}", false));
    }

    @Test
    void leadingByteOrderMarkIsDroppedOnlyAtTheStart() {
        parser.feed("\uFEFFdata: a\n\ndata: \uFEFFb\n\n");

        assertThat(events).extracting(Event::data).containsExactly("a", "\uFEFFb");
    }

    @Test
    void anEventNotEndedByAnEmptyLineIsDiscardedAtTheEnd() {
        parser.feed("data: complete\n\ndata: cut off\n");

        assertThat(parser.hasPartialEvent()).isTrue();
        parser.end();

        assertThat(events).extracting(Event::data).containsExactly("complete");
        assertThat(parser.hasPartialEvent()).isFalse();
    }

    @Test
    void unknownFieldsAndRetryAreIgnored() {
        parser.feed("retry: 10000\nfoo: bar\nevent: x\ndata: 1\n\nretry: 5\n\n");

        assertThat(events).containsExactly(new Event("x", "1", false));
    }

    @Test
    void anEventLargerThanTheLimitIsReadToItsEndAndReportedOverflowed() {
        String big = "x".repeat(5000);
        parser.feed("event: agent_thinking\ndata: " + big + "\n\ndata: after\n\n");

        assertThat(events).containsExactly(new Event("agent_thinking", null, true), new Event("message", "after", false));
    }

    @Test
    void manySmallDataLinesOverflowToo() {
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            stream.append("data: 0123456789\n");
        }
        parser.feed(stream.append("\ndata: next\n\n").toString());

        assertThat(events).containsExactly(new Event("message", null, true), new Event("message", "next", false));
    }

    @Test
    void aLineThatNeverEndsIsNotKeptPastTheLimit() {
        for (int i = 0; i < 1000; i++) {
            parser.feed("data: " + "y".repeat(1000));
        }
        parser.feed("\n\n");

        assertThat(events).containsExactly(new Event("message", null, true));
    }

    @Test
    void multiByteCharactersSplitAcrossBuffersAreDecodedWhole() {
        byte[] stream = "event: caf\u00e9\ndata: h\u00e9llo \u2713\ndata: \uD83D\uDE00 done\n\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : stream) {
            parser.feed(ByteBuffer.wrap(new byte[] {b}));
        }

        assertThat(events).containsExactly(new Event("caf\u00e9", "h\u00e9llo \u2713\n\uD83D\uDE00 done", false));
    }

    @Test
    void aStreamsEventTypesAreReadOnceEachAndManyTypesStillComeThrough() {
        StringBuilder stream = new StringBuilder();
        for (int round = 0; round < 3; round++) {
            for (int type = 0; type < 12; type++) {
                stream.append("event: type-").append(type).append("\ndata: ").append(round).append("\n\n");
            }
        }
        parser.feed(stream.toString());

        assertThat(events).hasSize(36);
        for (int i = 0; i < 36; i++) {
            assertThat(events.get(i)).isEqualTo(new Event("type-" + i % 12, Integer.toString(i / 12), false));
        }
        parser.feed("event: agent_thinking\ndata: 1\n\nevent: agent_thinking\ndata: 2\n\n");
        assertThat(events.get(37).type()).isSameAs(events.get(36).type());
    }

    @Test
    void aLargeEventThenSmallOnesReadTheSameAfterItsBuffersAreLetGo() {
        List<Event> seen = new ArrayList<>();
        SseParser roomy = new SseParser(1024 * 1024, (type, data, overflowed) -> seen.add(new Event(type, data, overflowed)));
        String big = "z".repeat(200_000);
        roomy.feed("event: big\ndata: " + big + "\ndata: " + big + "\n\n: keep-alive\nevent: small\ndata: {\"a\":1}\n\n");
        roomy.feed("data: " + "w".repeat(40_000) + "\n\ndata: last\n\n");

        assertThat(seen).containsExactly(new Event("big", big + "\n" + big, false), new Event("small", "{\"a\":1}", false),
                new Event("message", "w".repeat(40_000), false), new Event("message", "last", false));
    }

    private void feedInPieces(String... pieces) {
        for (String piece : pieces) {
            parser.feed(piece);
        }
    }
}
