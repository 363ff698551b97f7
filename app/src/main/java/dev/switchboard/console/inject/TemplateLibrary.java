package dev.switchboard.console.inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The inject panel's message templates: one JSON file per client type in
 * {@code src/scenarios/templates/}, found from the working directory or one of its parents (so it
 * works from the project root and from {@code app/}), with a built-in copy on the class path for
 * the types that folder lacks (the packaged console has no folder at all). Immutable: saving
 * returns a new library.
 */
public final class TemplateLibrary {
    /** Where the templates live, relative to the project root. */
    public static final Path DIRECTORY = Path.of("src", "scenarios", "templates");
    /** The built-in templates, in the order of {@code protocol.md}: every client type and a JSON-RPC request. */
    public static final List<String> BUILT_IN = List.of("ping", "heartbeat", "typing", "user_message", "start_agent",
            "stop_agent", "get_quality_metrics", "subscribe_quality_alerts", "validate_content",
            "generate_quality_report", "batch", "jsonrpc_ping");
    private static final String RESOURCES = "/dev/switchboard/console/templates/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Path directory;
    private final boolean found;
    private final List<MessageTemplate> templates;
    private final List<String> problems;

    private TemplateLibrary(Path directory, boolean found, List<MessageTemplate> templates, List<String> problems) {
        this.directory = directory;
        this.found = found;
        this.templates = List.copyOf(templates);
        this.problems = List.copyOf(problems);
    }

    /**
     * Loads the templates from {@code src/scenarios/templates} under {@code workingDir} or its
     * nearest parent that has one, and the built-in ones that folder lacks. Without such a folder,
     * saving creates {@code src/scenarios/templates} under {@code workingDir}.
     */
    public static TemplateLibrary load(Path workingDir) {
        Path start = workingDir.toAbsolutePath().normalize();
        Path existing = find(start);
        return read(existing != null ? existing : start.resolve(DIRECTORY), existing != null);
    }

    /** The nearest {@code src/scenarios/templates} at or above {@code start}, or null. */
    static Path find(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DIRECTORY);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static TemplateLibrary read(Path directory, boolean found) {
        Map<String, MessageTemplate> byName = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        if (found) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                    try {
                        byName.put(name, new MessageTemplate(name, Files.readString(file, StandardCharsets.UTF_8),
                                file.toString()));
                    } catch (IOException e) {
                        problems.add("cannot read " + file + ": " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                problems.add("cannot list " + directory + ": " + e.getMessage());
            }
        }
        for (String name : BUILT_IN) {
            byName.computeIfAbsent(name, TemplateLibrary::builtIn);
        }
        // the protocol's order first, then the operator's own templates by name
        Map<String, MessageTemplate> ordered = new LinkedHashMap<>();
        BUILT_IN.forEach(name -> ordered.put(name, byName.remove(name)));
        ordered.putAll(byName);
        return new TemplateLibrary(directory, found, new ArrayList<>(ordered.values()), problems);
    }

    /** The class-path copy of a built-in template. */
    static MessageTemplate builtIn(String name) {
        try (InputStream in = TemplateLibrary.class.getResourceAsStream(RESOURCES + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("built-in template " + name + " is missing from the class path");
            }
            return new MessageTemplate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every template: the client types in protocol order, then the others by name. */
    public List<MessageTemplate> templates() {
        return templates;
    }

    /** The template called {@code name}. */
    public Optional<MessageTemplate> named(String name) {
        return templates.stream().filter(template -> template.name().equals(name)).findFirst();
    }

    /** Files that could not be read. */
    public List<String> problems() {
        return problems;
    }

    /** Where templates are read from and saved to. */
    public Path directory() {
        return directory;
    }

    /** One line for the panel: where the templates come from. */
    public String source() {
        long fromFiles = templates.stream().filter(template -> !template.origin().equals("built-in")).count();
        return found ? fromFiles + (fromFiles == 1 ? " template" : " templates") + " from " + directory
                + (fromFiles < templates.size() ? ", " + (templates.size() - fromFiles) + " built in" : "")
                : templates.size() + " built-in templates (no " + DIRECTORY + " here)";
    }

    /** Whether {@code name} can be a template's file name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Writes {@code text} to {@code <directory>/<name>.json} (replacing a file of that name) and
     * returns the library read again.
     *
     * @throws IllegalArgumentException for a name that is not 1 to 64 of {@code [A-Za-z0-9_.-]}
     */
    public TemplateLibrary save(String name, String text) throws IOException {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("a template name is 1 to 64 characters of A-Z a-z 0-9 _ . -");
        }
        Objects.requireNonNull(text, "text must not be null");
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(name + ".json"), text.endsWith("\n") ? text : text + "\n",
                StandardCharsets.UTF_8);
        return read(directory, true);
    }

    /** The names of the templates, in order (for tests and logs). */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        templates.forEach(template -> names.add(template.name()));
        return Collections.unmodifiableList(names);
    }
}
