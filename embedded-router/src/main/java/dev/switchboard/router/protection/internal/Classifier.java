package dev.switchboard.router.protection.internal;

import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protection.ClassificationRule;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protocol.ClientMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assigns each message a priority class and a strategic/tactical label from rules (data, in
 * order, first match wins). Rules are compiled once: a message whose type has no content rule is
 * classified by one map lookup and allocates nothing.
 */
public final class Classifier {
    private final List<ClassificationRule> rules;
    private final Classification fallback;
    private final Map<String, Classification> byTypeOnly = new HashMap<>();
    private final Map<String, List<Integer>> contentRulesByType = new HashMap<>();
    private final List<Integer> anyTypeRules = new ArrayList<>();
    private final List<Classification> outcomes = new ArrayList<>();

    /**
     * @param rules    the rules, first match wins
     * @param fallback the class of a message no rule matches
     */
    public Classifier(List<ClassificationRule> rules, Classification fallback) {
        this.rules = List.copyOf(rules);
        this.fallback = Objects.requireNonNull(fallback, "fallback must not be null");
        for (int i = 0; i < this.rules.size(); i++) {
            ClassificationRule rule = this.rules.get(i);
            outcomes.add(new Classification(rule.priority(), rule.label(), i));
            if (rule.type() == null) {
                anyTypeRules.add(i);
            } else {
                contentRulesByType.computeIfAbsent(rule.type(), t -> new ArrayList<>()).add(i);
            }
        }
        contentRulesByType.forEach((type, indexes) -> {
            int first = indexes.get(0);
            if (this.rules.get(first).contentPattern() == null && anyTypeRules.stream().allMatch(i -> i > first)) {
                byTypeOnly.put(type, outcomes.get(first));
            }
        });
    }

    /** The built-in rules: control messages critical, agent starts high and strategic, typing low. */
    public static Classifier defaults() {
        return new Classifier(ClassificationRule.defaults(), new Classification(Priority.NORMAL, Classification.TACTICAL, -1));
    }

    public List<ClassificationRule> rules() {
        return rules;
    }

    public Classification fallback() {
        return fallback;
    }

    /** Classifies one message. */
    public Classification classify(ClientMessage message) {
        Classification fixed = byTypeOnly.get(message.type());
        if (fixed != null) {
            return fixed;
        }
        List<Integer> candidates = contentRulesByType.get(message.type());
        int best = Integer.MAX_VALUE;
        if (candidates != null) {
            for (int index : candidates) {
                if (matches(rules.get(index), message)) {
                    best = index;
                    break;
                }
            }
        }
        for (int index : anyTypeRules) {
            if (index < best && matches(rules.get(index), message)) {
                best = index;
                break;
            }
        }
        return best == Integer.MAX_VALUE ? fallback : outcomes.get(best);
    }

    private static boolean matches(ClassificationRule rule, ClientMessage message) {
        if (rule.contentPattern() == null) {
            return true;
        }
        String content = message.payloadText("content");
        return content != null && rule.contentPattern().matcher(content).find();
    }
}
