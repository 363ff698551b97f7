package dev.switchboard.console.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ids in the order people count them: the simulate panel's user column and the Connections view. */
class NaturalOrderTest {

    @Test
    void comparesRunsOfDigitsAsNumbers() {
        List<String> ids = new ArrayList<>(List.of("chat-100-10", "chat-100-2", "chat-100-1", "chat-100-100",
                "chat-99-3", "chat-100-0", "chat-100-11"));

        ids.sort(NaturalOrder.INSTANCE);

        assertThat(ids).containsExactly("chat-99-3", "chat-100-0", "chat-100-1", "chat-100-2", "chat-100-10",
                "chat-100-11", "chat-100-100");
    }

    @Test
    void comparesTheRestCharacterByCharacterAndAPrefixFirst() {
        List<String> ids = new ArrayList<>(List.of("smoke-1", "chat-2", "chat", "chat-", "b1", "a10", "a9x"));

        ids.sort(NaturalOrder.INSTANCE);

        assertThat(ids).containsExactly("a9x", "a10", "b1", "chat", "chat-", "chat-2", "smoke-1");
    }

    @Test
    void onlyEqualTextsCompareEqualAndLeadingZerosGoAfter() {
        assertThat(NaturalOrder.INSTANCE.compare("user-7", "user-007")).isNegative();
        assertThat(NaturalOrder.INSTANCE.compare("user-007", "user-7")).isPositive();
        assertThat(NaturalOrder.INSTANCE.compare("01a1", "1a01")).isNotZero();
        assertThat(NaturalOrder.INSTANCE.compare("01a1", "1a01")).isEqualTo(-NaturalOrder.INSTANCE.compare("1a01", "01a1"));
        assertThat(NaturalOrder.INSTANCE.compare("chat-100-2", "chat-100-2")).isZero();
    }

    @Test
    void handlesNumbersLongerThanALong() {
        assertThat(NaturalOrder.INSTANCE.compare("u-99999999999999999999999", "u-100000000000000000000000")).isNegative();
        assertThat(NaturalOrder.INSTANCE.compare("u-100000000000000000000001", "u-100000000000000000000000")).isPositive();
    }
}
