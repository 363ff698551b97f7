package dev.switchboard.console.inject;

/**
 * A ready-made message for the inject panel's editor.
 *
 * @param name   the file name without {@code .json}, usually the client type ({@code ping})
 * @param text   the JSON, as written in the file
 * @param origin where it was read from: a file path, or {@code built-in}
 */
public record MessageTemplate(String name, String text, String origin) {
}
