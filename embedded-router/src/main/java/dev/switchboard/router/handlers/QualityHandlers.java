package dev.switchboard.router.handlers;

import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.MessageType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.quality.ContentValidator;
import dev.switchboard.router.quality.QualityTracker;
import dev.switchboard.router.routing.HandlerRegistry;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.MessageRejected;
import java.util.Map;

/** The four quality messages: figures, alerts subscription, content validation and the report. */
final class QualityHandlers {
    private final QualityTracker quality;
    private final ContentValidator validator = new ContentValidator();

    QualityHandlers(QualityTracker quality) {
        this.quality = quality;
    }

    void registerWith(HandlerRegistry registry) {
        registry.registerBuiltIn(MessageType.GET_QUALITY_METRICS, (context, message) ->
                context.reply(withFields(EventType.QUALITY_METRICS, quality.metrics(context.userId()))));
        registry.registerBuiltIn(MessageType.SUBSCRIBE_QUALITY_ALERTS, (context, message) -> {
            quality.subscribe(context.userId());
            context.reply(ServerEvent.builder(EventType.SUBSCRIPTION_ACK).put("topic", "quality_alerts").build());
        });
        registry.registerBuiltIn(MessageType.VALIDATE_CONTENT, this::validate);
        registry.registerBuiltIn(MessageType.GENERATE_QUALITY_REPORT, (context, message) ->
                context.reply(withFields(EventType.QUALITY_REPORT, quality.report(context.userId()))));
    }

    private void validate(MessageContext context, ClientMessage message) {
        if (!message.payload().path("content").isTextual()) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE, "payload.content must be a string");
        }
        ContentValidator.Result result = validator.validate(message.payloadText("content"));
        context.reply(ServerEvent.builder(EventType.VALIDATION_RESULT)
                .put("valid", result.valid())
                .put("score", result.score())
                .put("issues", result.issues())
                .build());
        quality.validated(context.userId(), result);
    }

    private static ServerEvent withFields(String type, Map<String, Object> fields) {
        ServerEvent.Builder builder = ServerEvent.builder(type);
        fields.forEach(builder::put);
        return builder.build();
    }
}
