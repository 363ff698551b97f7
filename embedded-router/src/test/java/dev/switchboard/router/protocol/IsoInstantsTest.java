package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

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
