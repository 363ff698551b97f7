package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written type check agrees with the documented pattern on every string tried. */
class TypeShapeTest {
    private static final Pattern DOCUMENTED = Pattern.compile("[a-z][a-z0-9_.:-]{0,63}");
    private static final String ALPHABET = "az09_.:-AZ /é\u0000{";

    @Test
    void agreesWithThePattern() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder type = new StringBuilder();
            int length = random.nextInt(70);
            for (int j = 0; j < length; j++) {
                type.append(random.nextInt(4) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                        : (char) ('a' + random.nextInt(26)));
            }
            String candidate = type.toString();
            assertThat(JsonCodec.isTypeShaped(candidate)).as(candidate)
                    .isEqualTo(DOCUMENTED.matcher(candidate).matches());
        }
        assertThat(JsonCodec.isTypeShaped("a".repeat(64))).isTrue();
        assertThat(JsonCodec.isTypeShaped("a".repeat(65))).isFalse();
    }
}
