package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimeTest {
    private final EventTime eventTime = new EventTime();

    @Test
    void readsEveryPrecisionInstantWritesAsEpochMicros() {
        for (String written : new String[] {"2026-11-23T11:23:40.210021475Z", "2026-11-23T11:23:40.210021Z",
                "2026-11-23T11:23:40.210Z", "2026-11-23T11:23:40Z", "2026-11-23T11:24:00.000001Z",
                "1999-12-31T23:59:59.999999Z"}) {
            String frame = "{\"type\":\"agent_thinking\",\"seq\":2,\"timestamp\":\"" + written + "\",\"data\":{}}";
            int from = frame.indexOf(written);

            assertThat(eventTime.epochMicros(frame, from)).as(written).isEqualTo(micros(Instant.parse(written)));
        }
    }

    @Test
    void readsAFormItDoesNotExpectThroughTheFullParser() {
        String written = "+12026-01-01T00:00:00.5Z";

        assertThat(eventTime.epochMicros("\"" + written + "\"", 1)).isEqualTo(micros(Instant.parse(written)));
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
