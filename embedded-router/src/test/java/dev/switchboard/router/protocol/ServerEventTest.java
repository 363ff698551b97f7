package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerEventTest {

    @Test
    void fieldsKeepTheOrderTheyWerePutInAndAReplacedFieldKeepsItsPlace() {
        ServerEvent.Builder builder = ServerEvent.builder("agent_thinking");
        for (int i = 0; i < 20; i++) {
            builder.put("f" + i, i);
        }
        ServerEvent event = builder.put("f3", "three").put("f5", null).build();

        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            expected.put("f" + i, i == 3 ? "three" : i);
        }
        assertThat(event.fields()).containsExactlyEntriesOf(expected);
        assertThat(event.fields()).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(event.get("f19")).isEqualTo(19);
        assertThat(event.get("absent")).isNull();
        assertThat(event.fields().containsKey("f0")).isTrue();
        assertThat(new JsonCodec().encode(event)).startsWith("{\"type\":\"agent_thinking\",\"f0\":0,\"f1\":1,\"f2\":2,\"f3\":\"three\",");
    }

    @Test
    void aBuilderUsedAgainAfterBuildLeavesTheBuiltEventAsItWas() {
        ServerEvent.Builder builder = ServerEvent.builder("ack").put("a", 1);
        ServerEvent first = builder.build();
        ServerEvent second = builder.put("a", 2).put("b", 3).build();

        assertThat(first.fields()).containsExactly(Map.entry("a", 1));
        assertThat(second.fields()).containsExactly(Map.entry("a", 2), Map.entry("b", 3));
        assertThat(first).isNotEqualTo(second).isEqualTo(ServerEvent.builder("ack").put("a", 1).build());
    }

    @Test
    void builtFieldsCannotBeChanged() {
        ServerEvent event = ServerEvent.builder("pong").put("a", 1).build();

        assertThatThrownBy(() -> event.fields().put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> event.fields().entrySet().iterator().next().setValue(5))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> event.fields().entrySet().iterator().remove())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
