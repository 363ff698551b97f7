package dev.switchboard.router.buildinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.router.BuildInfo;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void routerBuildCarriesTheMavenVersionAndAGitCommit() {
        BuildInfo build = BuildInfo.router();

        assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        // the tests run from a git work tree: Maven filled in the abbreviated commit
        assertThat(build.commit()).matches("[0-9a-f]{12}");
    }

    @Test
    void buildOutsideGitSaysUnknownInsteadOfAPlaceholder() {
        BuildInfo build = BuildInfo.of(BuildInfoTest.class);

        assertThat(build).isEqualTo(new BuildInfo("1.2.3", BuildInfo.UNKNOWN, false));
        assertThat(build.describe("switchboard-router")).isEqualTo("switchboard-router 1.2.3 (git unknown)");
    }

    @Test
    void describeMarksABuildFromAChangedWorkTree() {
        assertThat(new BuildInfo("0.1.0", "0123456789ab", true).describe("switchboard-console"))
                .isEqualTo("switchboard-console 0.1.0 (git 0123456789ab-dirty)");
    }

    @Test
    void missingResourceIsAnError() {
        assertThatThrownBy(() -> BuildInfo.of(String.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("build-info.properties");
    }
}
