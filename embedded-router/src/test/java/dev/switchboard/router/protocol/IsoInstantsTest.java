package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    @Test
    void readsWhatInstantWritesAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            // 0000-01-01 to 9999-12-31, with 0, 3, 6 or 9 digits of fraction as toString() writes them
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(IsoInstants.parse(instant.toString())).as(instant.toString()).isEqualTo(instant);
        }
    }

    @Test
    void readsAnyFractionLengthAndLeavesOtherFormsToJackson() {
        assertThat(IsoInstants.parse("2026-11-30T19:38:11.5Z")).isEqualTo(Instant.parse("2026-11-30T19:38:11.5Z"));
        assertThat(IsoInstants.parse("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        for (String other : new String[] {"2026-11-30T19:38:11+01:00", "2026-11-30T19:38:11.Z",
                "2026-11-30T19:38:11.1234567890Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-30T24:00:00Z", "2026-11-30 19:38:11Z", "2026-1a-30T19:38:11Z", "+12026-11-30T19:38:11Z", ""}) {
            assertThat(IsoInstants.parse(other)).as(other).isNull();
        }
    }

    @Test
    void theSharedMapperReadsBothForms() throws Exception {
        DefaultDeserializationContext context = ((DefaultDeserializationContext) Json.mapper()
                .getDeserializationContext()).createInstance(Json.mapper().getDeserializationConfig(), null, null);
        assertThat(context.findRootValueDeserializer(Json.mapper().constructType(Instant.class)))
                .isInstanceOf(IsoInstants.class);
        assertThat(Json.mapper().readValue("\"2026-11-30T19:38:11.501Z\"", Instant.class))
                .isEqualTo(Instant.parse("2026-11-30T19:38:11.501Z"));
        assertThat(Json.mapper().readValue("\"2026-11-30T20:38:11.501+01:00\"", Instant.class))
                .isEqualTo(Instant.parse("2026-11-30T19:38:11.501Z"));
        assertThat(Json.mapper().readValue("1764531491.501", Instant.class))
                .isEqualTo(Instant.parse("2025-11-30T19:38:11.501Z"));
    }
}
