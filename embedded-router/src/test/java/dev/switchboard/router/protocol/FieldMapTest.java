package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldMapTest {

    @Test
    void aCopyKeepsTheOrderAndCopiesNestedNamedMapsTooButNoOtherValue() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("z", 1);
        nested.put("a", 2);
        Map<Integer, String> numbered = new LinkedHashMap<>(Map.of(7, "seven"));
        List<String> list = List.of("x");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("second", "b");
        fields.put("first", nested);
        fields.put("numbered", numbered);
        fields.put("list", list);
        fields.put("nothing", null);

        FieldMap copy = FieldMap.copyOf(fields);
        nested.put("z", 99);

        assertThat(copy.keySet()).containsExactly("second", "first", "numbered", "list", "nothing");
        assertThat(copy.get("first")).isInstanceOf(FieldMap.class).isEqualTo(Map.of("z", 1, "a", 2));
        assertThat(List.copyOf(((Map<?, ?>) copy.get("first")).keySet())).isEqualTo(List.of("z", "a"));
        assertThat(copy.get("numbered")).isSameAs(numbered);
        assertThat(copy.get("list")).isSameAs(list);
        assertThat(copy.containsKey("nothing")).isTrue();
        assertThat(copy.get("nothing")).isNull();
        assertThat(copy.get("absent")).isNull();
        assertThat(copy).hasSize(5);
        assertThat(FieldMap.copyOf(copy)).isSameAs(copy);
    }

    @Test
    void itEqualsAnyMapWithTheSameEntriesAndCannotBeChanged() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("a", 1);
        fields.put("b", "two");
        FieldMap copy = FieldMap.copyOf(fields);

        assertThat(copy).isEqualTo(fields).hasSameHashCodeAs(fields);
        assertThat(copy.toString()).isEqualTo(fields.toString());
        assertThatThrownBy(() -> copy.put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue(0))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
