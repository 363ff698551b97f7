package dev.switchboard.router.fuzz;

/**
 * One generated text frame and how it was made; a failing property shows the recipe and the
 * start of the text.
 *
 * @param text   what is sent
 * @param recipe how it was made (the generator family and its mutations)
 */
record Frame(String text, String recipe) {
    @Override
    public String toString() {
        return recipe + " -> " + ExpectedAnswer.abbreviate(text);
    }
}
