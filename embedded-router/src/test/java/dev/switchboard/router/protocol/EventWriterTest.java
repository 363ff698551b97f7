package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The codec's event writer against Jackson writing the same event as a map: the same text, char for char. */
class EventWriterTest {
    private final JsonCodec codec = new JsonCodec();
    private final ObjectMapper reference = JsonMapper.builder().build();

    private String byMapper(ServerEvent event, String replyTo) throws Exception {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("type", event.type());
        event.fields().forEach((name, value) -> {
            if (replyTo == null || !name.equals("reply_to")) {
                object.put(name, value);
            }
        });
        if (replyTo != null) {
            object.put("reply_to", replyTo);
        }
        return reference.writeValueAsString(object);
    }

    @Test
    void writesEveryCharAsJacksonDoes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate(c)) {
                all.append(c);
            }
        }
        all.append("\ud83d\ude00 \ud800 lone \udc00");
        ServerEvent event = ServerEvent.builder("echo").put("text", all.toString()).put(all.toString(), "as a name").build();
        assertThat(codec.encode(event)).isEqualTo(byMapper(event, null));
    }

    @Test
    void writesRandomEventsAsJacksonDoes() throws Exception {
        Random random = new Random(1201);
        String alphabet = "ab\"\\/\u0000\u0001\u001f\u007f\b\f\n\r\t é\u2028\ud83d\ude00<>&'";
        for (int i = 0; i < 2_000; i++) {
            ServerEvent.Builder builder = ServerEvent.builder(text(random, alphabet));
            for (int field = random.nextInt(6); field > 0; field--) {
                builder.put(text(random, alphabet), value(random, alphabet));
            }
            ServerEvent event = builder.build();
            String replyTo = random.nextBoolean() ? "m-" + i : null;
            assertThat(codec.encode(event, replyTo)).isEqualTo(byMapper(event, replyTo));
        }
    }

    @Test
    void writesNestedValuesBetweenSimpleOnesWithoutSeparators() throws Exception {
        ServerEvent event = ServerEvent.builder("agent_thinking").put("run_id", "run-1")
                .put("data", Map.of("step", 1)).put("seq", 2L).put("tools", List.of("a", "b"))
                .put("done", false).put("cost", new BigDecimal("1.50")).put("ratio", 0.5).build();
        assertThat(codec.encode(event, "m-1")).isEqualTo(byMapper(event, "m-1"))
                .isEqualTo("{\"type\":\"agent_thinking\",\"run_id\":\"run-1\",\"data\":{\"step\":1},\"seq\":2,"
                        + "\"tools\":[\"a\",\"b\"],\"done\":false,\"cost\":1.50,\"ratio\":0.5,\"reply_to\":\"m-1\"}");
    }

    @Test
    void writesJsonTreesAsJacksonDoesWhateverTheyHold() throws Exception {
        Random random = new Random(1202);
        String alphabet = "ab\"\\/\u0000\u001f\n\té\u2028\ud83d\ude00";
        for (int i = 0; i < 2_000; i++) {
            com.fasterxml.jackson.databind.JsonNode data = tree(random, alphabet, 0);
            ServerEvent event = ServerEvent.builder("agent_thinking").put("run_id", "run-" + i).put("seq", (long) i)
                    .put("data", data).build();
            assertThat(codec.encode(event)).isEqualTo(byMapper(event, null));
        }
        // deeper than the writer walks itself, and values only the generator writes: the same text
        com.fasterxml.jackson.databind.node.ObjectNode deep = reference.createObjectNode();
        com.fasterxml.jackson.databind.node.ObjectNode inner = deep;
        for (int depth = 0; depth < 40; depth++) {
            inner = inner.putObject("d" + depth);
        }
        inner.put("cost", new BigDecimal("1.50")).put("ratio", 0.5).put("big", new java.math.BigInteger("123456789012345678901"))
                .put("f", 1.25f).put("bytes", new byte[] {1, 2, 3}).put("short", (short) 7);
        ServerEvent event = ServerEvent.builder("agent_thinking").put("data", deep).build();
        assertThat(codec.encode(event)).isEqualTo(byMapper(event, null));
    }

    private com.fasterxml.jackson.databind.JsonNode tree(Random random, String alphabet, int depth) {
        switch (depth > 4 ? 2 + random.nextInt(6) : random.nextInt(8)) {
            case 0 -> {
                com.fasterxml.jackson.databind.node.ObjectNode object = reference.createObjectNode();
                for (int field = random.nextInt(5); field > 0; field--) {
                    object.set(text(random, alphabet), tree(random, alphabet, depth + 1));
                }
                return object;
            }
            case 1 -> {
                com.fasterxml.jackson.databind.node.ArrayNode array = reference.createArrayNode();
                for (int element = random.nextInt(5); element > 0; element--) {
                    array.add(tree(random, alphabet, depth + 1));
                }
                return array;
            }
            case 2 -> {
                return reference.getNodeFactory().textNode(text(random, alphabet));
            }
            case 3 -> {
                return reference.getNodeFactory().numberNode(random.nextInt());
            }
            case 4 -> {
                return reference.getNodeFactory().numberNode(random.nextLong());
            }
            case 5 -> {
                return reference.getNodeFactory().booleanNode(random.nextBoolean());
            }
            case 6 -> {
                return reference.getNodeFactory().nullNode();
            }
            default -> {
                return reference.getNodeFactory().numberNode(random.nextDouble() * 1e6);
            }
        }
    }

    private static String text(Random random, String alphabet) {
        StringBuilder text = new StringBuilder();
        for (int length = random.nextInt(12); length > 0; length--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static Object value(Random random, String alphabet) {
        switch (random.nextInt(7)) {
            case 0:
                return random.nextInt();
            case 1:
                return random.nextLong();
            case 2:
                return random.nextBoolean();
            case 3:
                return Map.of(text(random, alphabet), text(random, alphabet));
            case 4:
                return List.of(random.nextDouble(), text(random, alphabet));
            default:
                return text(random, alphabet);
        }
    }
}
