package dev.switchboard.router.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Scores a piece of content for {@code validate_content}. Errors make it invalid; warnings only
 * lower the score. Issues name the rule and never quote the content.
 */
public final class ContentValidator {
    /** Content longer than this is invalid. */
    public static final int MAX_LENGTH = 10_000;

    /** Linear in the content: possessive quantifiers, and event handlers only at the start of a word. */
    private static final Pattern MARKUP = Pattern.compile(
            "(?i)<\\s*+script|javascript:|<\\s*+iframe|\\bon\\w++\\s*+=");
    private static final Pattern REPEATED = Pattern.compile("(.)\\1{19,}");

    /** One finding. */
    public record Issue(String code, String severity, String message) {
        static Issue error(String code, String message) {
            return new Issue(code, "error", message);
        }

        static Issue warning(String code, String message) {
            return new Issue(code, "warning", message);
        }
    }

    /** The verdict: valid when no error was found and the score is at least 0.5. */
    public record Result(boolean valid, double score, List<Issue> issues) {
    }

    public Result validate(String content) {
        List<Issue> issues = new ArrayList<>();
        double score = 1.0;
        if (content == null || content.isBlank()) {
            return new Result(false, 0.0, List.of(Issue.error("empty", "content is empty")));
        }
        if (content.length() > MAX_LENGTH) {
            issues.add(Issue.error("too_long", "content is over " + MAX_LENGTH + " characters"));
            score -= 0.5;
        }
        if (content.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' && c != '\r')) {
            issues.add(Issue.error("control_characters", "content holds control characters"));
            score -= 0.5;
        }
        if (MARKUP.matcher(content).find()) {
            issues.add(Issue.error("markup_injection", "content holds script or event-handler markup"));
            score -= 0.6;
        }
        if (REPEATED.matcher(content).find()) {
            issues.add(Issue.warning("repetition", "a character repeats 20 times or more"));
            score -= 0.2;
        }
        long letters = content.chars().filter(Character::isLetter).count();
        if (letters >= 20 && content.equals(content.toUpperCase(Locale.ROOT))) {
            issues.add(Issue.warning("shouting", "content is all capitals"));
            score -= 0.1;
        }
        if (content.strip().length() < 3) {
            issues.add(Issue.warning("too_short", "content is under 3 characters"));
            score -= 0.3;
        }
        score = Math.max(0.0, Math.round(score * 100) / 100.0);
        boolean hasError = issues.stream().anyMatch(issue -> issue.severity().equals("error"));
        return new Result(!hasError && score >= 0.5, score, List.copyOf(issues));
    }
}
