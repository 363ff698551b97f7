package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.support.HostileFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec's streaming decode ({@link EnvelopeReader}) against its tree decode: for every frame,
 * the same verdict — the same message (payload tree included) or the same refusal.
 */
class EnvelopeReaderTest {
    private final JsonCodec codec = new JsonCodec();

    static List<String> frames() {
        String pad = "x".repeat(186);
        return List.of(
                "{\"type\":\"ping\",\"message_id\":\"c1-1\",\"payload\":{\"pad\":\"" + pad + "\"}}",
                "{\"type\":\"ping\"}",
                " {\"type\":\"ping\"} ",
                "{\"payload\":{\"content\":\"hi\"},\"type\":\"user_message\",\"thread_id\":\"t-1\",\"run_id\":null}",
                "{\"type\":\"user_message\",\"payload\":{\"content\":\"a\\nb \\\"quoted\\\" \\u00e9\"}}",
                "{\"type\":\"start_agent\",\"payload\":{\"content\":\"go\",\"tools\":[\"a\",{\"b\":[1,2.5e3,-0,true,null]}]}}",
                "{\"type\":\"ping\",\"extra\":{\"deep\":[[{\"x\":\"y\"}]]},\"n\":12345678901234567890}",
                "{\"type\":\"ping\",\"payload\":null}",
                "{\"type\":\"ping\",\"payload\":{}}",
                "{\"type\":\"ping\",\"payload\":[]}",
                "{\"type\":\"ping\",\"payload\":\"text\"}",
                "{\"type\":\"ping\",\"type\":\"pong\"}",
                "{\"type\":\"x\",\"payload\":{\"a\":1},\"payload\":{\"b\":2}}",
                "{\"type\":\"ping\",\"message_id\":null}",
                "{\"type\":\"ping\",\"message_id\":\"has space\"}",
                "{\"type\":\"ping\",\"message_id\":7}",
                "{\"type\":\"ping\",\"thread_id\":5}",
                "{\"type\":\"ping\",\"run_id\":\"" + "r".repeat(129) + "\"}",
                "{\"type\":\"Bad Type\"}",
                "{\"type\":\"\"}",
                "{\"message_id\":\"m-9\",\"type\":3}",
                "{\"payload\":{}}",
                "{\"type\":\"ping\"} trailing",
                "{\"type\":\"ping\"}{\"type\":\"ping\"}",
                "{\"type\":",
                "[]",
                "\"just a string\"",
                "",
                "null",
                "{\"type\":\"ping\",\"payload\":{\"s\":\"\\ud800 lone\"}}",
                "{\"type\":\"ping\",\"payload\":{\"\\udc00\":\"lone key\"}}",
                "{\"type\":\"ping\",\"other\":\"\\ud800\"}",
                "{\"type\":\"ping\",\"payload\":{\"s\":\"\\ud83d\\ude00 paired\"}}",
                "{\"type\":\"ping\",\"payload\":{\"s\":\"raw \ud83d\ude00 pair\"}}",
                "{\"type\":\"ping\",\"payload\":{\"s\":\"nul\\u0000\"}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":" + "9".repeat(1001) + "}}",
                "{\"type\":\"ping\",\"x\":" + "9".repeat(1001) + "}",
                "{\"type\":\"ping\",\"payload\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
                "{\"type\":\"batch\",\"payload\":{\"messages\":[{\"jsonrpc\":\"2.0\",\"id\":1.50,\"method\":\"ping\"}]}}",
                "{\"type\":\"batch\",\"payload\":{\"messages\":[{\"type\":\"ping\",\"message_id\":\"b-1\"}]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"ping\"}",
                "{\"type\":\"ping\",\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"<script>\",\"b\":\"k=v\",\"c\":\"x:y\"}}",
                "{'type':'ping'}",
                "{\"type\":\"ping\",}",
                "{\"type\":\"ping\" \"payload\":{}}",
                // what the hand-written reader must read exactly as Jackson does, or leave to it
                "{\"typ\\u0065\":\"ping\"}",
                "{\"type\":\"p\\u0069ng\"}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"\\u00E9\\u00e9 \\/ \\b\\f\\r\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"\\u066\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"\\u\u0663\u0663\u0663\u0663\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"\\x41\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"raw\ttab\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"raw\u007fdel \u00e9 \u4e2d\"}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":[0,-0,1.5,-1.5e+10,1E-2,10,0.0e0]}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":01}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":1.}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":.5}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":+1}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":-}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":1e}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":" + "1".repeat(100) + "}}",
                "{\"type\":\"ping\",\"payload\":{\"n\":" + "1".repeat(101) + "}}",
                "{\"type\":\"ping\",\"payload\":{\"t\":true,\"f\":false,\"n\":null,\"e\":[[],{}]}}",
                "{\"type\":\"ping\",\"payload\":{\"t\":tru}}",
                "{\"type\":\"ping\",\"payload\":{\"t\":truex}}",
                "{\"type\":\"ping\",\"payload\":{\"t\":True}}",
                "{\"type\":\"ping\",\"thread_id\":nul}",
                "{\"type\":\"ping\",\"thread_id\":nullx}",
                "\t{\n\"type\" : \"ping\" ,\r\n\"payload\" : { \"a\" : [ 1 , 2 ] } }\n",
                "{\"type\":\"ping\"}\u000b",
                "{\u00a0\"type\":\"ping\"}",
                "{\"type\":\"ping\",\"message_id\":\"c1-1\",\"payload\":{\"pad\":\"x\"},\"thread_id\":null,\"run_id\":\"r-1\"}",
                "{\"type\":\"ping\",\"payload\":{\"\ud83d\ude00\":\"raw pair in a name\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"" + (char) 0xd83d + "\\ude00 half raw\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"\\ud83d\"}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":\"" + (char) 0xde00 + "\"}}",
                "{\"type\":\"ping\",\"payload\":" + "[".repeat(29) + "]".repeat(29) + "}",
                "{\"type\":\"ping\",\"payload\":" + "[".repeat(30) + "]".repeat(30) + "}",
                "{\"type\":\"ping\",\"payload\":" + "[".repeat(31) + "]".repeat(31) + "}",
                "{\"type\":\"ping\",\"payload\":" + "{\"a\":".repeat(30) + "1" + "}".repeat(30) + "}",
                "{\"type\":\"ping\",\"payload\":{\"messages\":1}}",
                "{\"type\":\"ping\",\"payload\":{\"x\":{\"messages\":1}}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":1,\"a\":2}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":[1,]}}",
                "{\"type\":\"ping\",\"payload\":{\"a\":1,}}",
                "{\"type\":\"ping\",\"payload\":{\"a\" 1}}",
                "{\"type\":\"ping\",\"payload\":{1:2}}",
                // names whose hashes collide (Jackson's name table, were it on, would refuse them by
                // what earlier frames left in it: the codec's decode does not depend on that)
                HostileFrames.collidingNames("x", 1024),
                HostileFrames.collidingNames("payload", 1024),
                HostileFrames.collidingNames("payload", 150),
                // past 32 K chars Jackson reads a String through a Reader: offsets must still hold
                "{\"type\":\"user_message\",\"big\":\"" + "b".repeat(40_000) + "\",\"payload\":{\"content\":\""
                        + "c".repeat(40_000) + "\",\"n\":[1,2]}}");
    }

    @ParameterizedTest
    @MethodSource("frames")
    void decodesEachFrameAsTheTreeDecodeDoes(String frame) {
        assertThat(codec.decode(frame)).isEqualTo(codec.decodeTree(frame));
    }

    @Test
    void decodesMutatedFramesAsTheTreeDecodeDoes() {
        Random random = new Random(20261201);
        String alphabet = "{}[]\":,\\ u0009azAZ-.<=\u0000\ud800\udc00\u00e9tnrfe+0E/b\t\n\u007f\u0663F";
        List<String> seeds = frames();
        int judgedFast = 0;
        for (int i = 0; i < 60_000; i++) {
            StringBuilder frame = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            for (int edits = 1 + random.nextInt(3); edits > 0 && frame.length() > 0; edits--) {
                int at = random.nextInt(frame.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> frame.deleteCharAt(at);
                    case 1 -> frame.insert(at, c);
                    default -> frame.setCharAt(at, c);
                }
            }
            String text = frame.toString();
            Decoded fast = codec.decode(text);
            assertThat(fast).as(text).isEqualTo(codec.decodeTree(text));
            if (fast instanceof Decoded.Message message && message.message().payloadScan() != null) {
                judgedFast++;
            }
        }
        // the mutations leave many frames valid: the fast path must have judged a good share of them
        assertThat(judgedFast).isGreaterThan(4_000);
    }

    @Test
    void buildsThePayloadTreeOnlyWhenAskedAndOnce() {
        ClientMessage message = ((Decoded.Message) codec.decode(
                "{\"type\":\"user_message\",\"payload\":{\"content\":\"hi\",\"n\":[1,{\"k\":\"v\"}]}}")).message();
        assertThat(message.payloadScan()).isEqualTo(new ClientMessage.PayloadScan(3, 2, false, false));
        assertThat(message.payload()).isSameAs(message.payload());
        assertThat(message.payload().toString()).isEqualTo("{\"content\":\"hi\",\"n\":[1,{\"k\":\"v\"}]}");
    }

    @Test
    void scansWhatValidationNeeds() {
        ClientMessage.PayloadScan scan = scanOf("{\"type\":\"x\",\"payload\":{\"a\":\"tab\\tok\",\"b\":[\"bell\\u0007\"]}}");
        assertThat(scan.control()).isTrue();
        assertThat(scan.markupChars()).isFalse();
        assertThat(scanOf("{\"type\":\"x\",\"payload\":{\"a\":\"del\u007f\"}}").control()).isTrue();
        assertThat(scanOf("{\"type\":\"x\",\"payload\":{\"a\":\"1 < 2\"}}").markupChars()).isTrue();
        assertThat(scanOf("{\"type\":\"x\",\"payload\":{\"k:=<\":\"names are not values\"}}").markupChars()).isFalse();
        assertThat(scanOf("{\"type\":\"x\",\"payload\":{\"a\":\"" + "y".repeat(500) + "\",\"b\":\"z\"}}").longestString())
                .isEqualTo(500);
        assertThat(scanOf("{\"type\":\"x\",\"payload\":{\"a\":\"a\\nb\\u00e9\\ud83d\\ude00\"}}").longestString())
                .as("lengths count each escape as the UTF-16 char it stands for").isEqualTo(6);
        assertThat(scanOf("{\"type\":\"x\",\"payload\":null}")).isEqualTo(ClientMessage.PayloadScan.EMPTY);
    }

    private ClientMessage.PayloadScan scanOf(String frame) {
        return ((Decoded.Message) codec.decode(frame)).message().payloadScan();
    }

    @Test
    void leavesJsonRpcAndBatchesToTheTreeDecode() {
        List<String> viaTree = new ArrayList<>();
        for (String frame : List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                "{\"type\":\"batch\",\"payload\":{\"messages\":[]}}")) {
            if (((Decoded.Message) codec.decode(frame)).message().payloadScan() == null) {
                viaTree.add(frame);
            }
        }
        assertThat(viaTree).hasSize(2);
    }
}
