package dev.switchboard.router.protection.internal;

import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protection.ClassificationRule;
import dev.switchboard.router.protection.Priority;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.router.protocol.ClientMessage;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ClassifierTest {

    private static ClientMessage message(String type, String content) {
        return ClientMessage.of(type, content == null ? null : JsonNodeFactory.instance.objectNode().put("content", content));
    }

    @Test
    void theDefaultRulesMakeControlCriticalAgentStartsStrategicAndTypingLow() {
        Classifier classifier = Classifier.defaults();
        assertThat(classifier.classify(message("stop_agent", null)).priority()).isEqualTo(Priority.CRITICAL);
        assertThat(classifier.classify(message("heartbeat", null)).priority()).isEqualTo(Priority.CRITICAL);
        Classification start = classifier.classify(message("start_agent", "x"));
        assertThat(start.priority()).isEqualTo(Priority.HIGH);
        assertThat(start.label()).isEqualTo(Classification.STRATEGIC);
        assertThat(classifier.classify(message("typing", null)).priority()).isEqualTo(Priority.LOW);
        Classification chat = classifier.classify(message("user_message", "hi"));
        assertThat(chat.priority()).isEqualTo(Priority.NORMAL);
        assertThat(chat.label()).isEqualTo(Classification.TACTICAL);
        assertThat(chat.rule()).isEqualTo(-1);
    }

    @Test
    void contentRulesAndAnyTypeRulesApplyInOrderFirstMatchWins() {
        Classifier classifier = new Classifier(List.of(
                new ClassificationRule("user_message", Pattern.compile("(?i)\\bplan\\b"), Priority.HIGH, "strategic"),
                new ClassificationRule(null, Pattern.compile("(?i)urgent"), Priority.CRITICAL, "tactical"),
                ClassificationRule.forType("user_message", Priority.LOW, "tactical")),
                new Classification(Priority.NORMAL, "tactical", -1));
        assertThat(classifier.classify(message("user_message", "Plan the launch")).rule()).isEqualTo(0);
        assertThat(classifier.classify(message("user_message", "urgent: help")).priority()).isEqualTo(Priority.CRITICAL);
        assertThat(classifier.classify(message("user_message", "hello")).priority()).isEqualTo(Priority.LOW);
        assertThat(classifier.classify(message("validate_content", "urgent")).priority()).isEqualTo(Priority.CRITICAL);
        assertThat(classifier.classify(message("ping", null)).priority()).isEqualTo(Priority.NORMAL);
    }

    @Test
    void aTypeOnlyRuleIsAnsweredWithoutAllocating() {
        Classifier classifier = Classifier.defaults();
        assertThat(classifier.classify(message("ping", null))).isSameAs(classifier.classify(message("ping", null)));
    }
}
