package dev.switchboard.router.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.support.TestRouters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InProcessPipelineTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void answersLikeTheSocketPathWithoutASocket() throws Exception {
        Router router = Router.builder().config(TestRouters.config().rateLimits(new RateLimitPolicy(
                RateLimit.messageDefaults(), RateLimit.messageDefaults(), new RateLimit(60, 2), Map.of()))
                .build()).build();
        List<String> frames = new ArrayList<>();
        InProcessPipeline pipeline = router.inProcessPipeline(frames::add);

        pipeline.accept("ann", "c-1", "{\"type\":\"ping\",\"message_id\":\"p-1\"}");
        pipeline.accept("ann", "c-1", "{\"type\":\"validate_content\",\"message_id\":\"v-1\",\"payload\":{\"content\":\"Is this fine?\"}}");
        pipeline.accept("ann", "c-1", "{not json");
        pipeline.accept("ann", "c-1", "{\"type\":\"no_such_type\",\"message_id\":\"u-1\"}");
        pipeline.accept("ann", "c-1", "{\"type\":\"ping\",\"message_id\":\"p-2\"}");
        pipeline.accept("ann", "c-1", "{\"type\":\"ping\",\"message_id\":\"p-3\"}");

        List<JsonNode> replies = new ArrayList<>();
        for (String frame : frames) {
            replies.add(mapper.readTree(frame));
        }
        assertThat(replies).extracting(reply -> reply.path("type").asText() + "/" + reply.path("code").asText("")
                + "/" + reply.path("reply_to").asText("")).containsExactly(
                "pong//p-1", "validation_result//v-1", "error/invalid_json/", "error/unknown_type/u-1", "pong//p-2",
                "error/rate_limited/p-3");
        assertThat(router.stats().byType()).containsKeys("ping", "validate_content");
    }
}
