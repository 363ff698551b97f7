package dev.switchboard.router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * The version and git commit a jar was built from, as Maven wrote them into a
 * {@code build-info.properties} resource. What {@code --version} prints, and what the packages and
 * the container image carry.
 *
 * @param version the Maven project version, such as {@code 0.1.0-SNAPSHOT}
 * @param commit  the abbreviated git commit, {@code unknown} for a build outside a git work tree
 * @param dirty   whether the work tree had uncommitted changes when the jar was built
 */
public record BuildInfo(String version, String commit, boolean dirty) {

    /** What stands for a value Maven could not fill in (a build from a source archive, no git). */
    public static final String UNKNOWN = "unknown";

    public BuildInfo {
        Objects.requireNonNull(version, "version must not be null");
        Objects.requireNonNull(commit, "commit must not be null");
    }

    /** The router's own build. */
    public static BuildInfo router() {
        return of(BuildInfo.class);
    }

    /**
     * The build of the jar holding {@code anchor}, read from {@code build-info.properties} in
     * {@code anchor}'s package.
     *
     * @throws IllegalStateException when that resource is missing (a build that skipped resources)
     */
    public static BuildInfo of(Class<?> anchor) {
        Properties properties = new Properties();
        try (InputStream in = anchor.getResourceAsStream("build-info.properties")) {
            if (in == null) {
                throw new IllegalStateException("no build-info.properties beside " + anchor.getName());
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(filled(properties.getProperty("version")), filled(properties.getProperty("commit")),
                Boolean.parseBoolean(filled(properties.getProperty("dirty"))));
    }

    /** {@code <name> <version> (git <commit>)}, with {@code -dirty} after a commit of a changed work tree. */
    public String describe(String name) {
        return name + " " + version + " (git " + commit + (dirty ? "-dirty" : "") + ")";
    }

    // Maven leaves ${…} in place when a property is undefined (no git directory).
    private static String filled(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value.trim();
    }
}
