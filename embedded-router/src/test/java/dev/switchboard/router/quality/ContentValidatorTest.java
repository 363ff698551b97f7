package dev.switchboard.router.quality;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentValidatorTest {
    private final ContentValidator validator = new ContentValidator();

    private String codes(String content) {
        StringBuilder codes = new StringBuilder();
        validator.validate(content).issues().forEach(issue -> codes.append(issue.code()).append(' '));
        return codes.toString().trim();
    }

    @Test
    void ordinaryTextIsValidWithFullScore() {
        ContentValidator.Result result = validator.validate("How do I route messages by type?");
        assertThat(result.valid()).isTrue();
        assertThat(result.score()).isEqualTo(1.0);
    }

    @Test
    void errorsMakeContentInvalid() {
        assertThat(validator.validate("   ").valid()).isFalse();
        assertThat(codes("<script>x</script>")).isEqualTo("markup_injection");
        assertThat(validator.validate("nul\u0000byte").valid()).isFalse();
        assertThat(validator.validate("a".repeat(ContentValidator.MAX_LENGTH + 1)).valid()).isFalse();
    }

    @Test
    void warningsOnlyLowerTheScore() {
        ContentValidator.Result shouting = validator.validate("WHY IS THIS ROUTER SO VERY FAST TODAY");
        assertThat(shouting.valid()).isTrue();
        assertThat(shouting.score()).isEqualTo(0.9);
        assertThat(codes("so good!!!!!!!!!!!!!!!!!!!!!!!!")).isEqualTo("repetition");
    }
}
