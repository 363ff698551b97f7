package dev.switchboard.console.cli;

import dev.switchboard.console.Main;
import dev.switchboard.router.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the console's version and the git commit it was built from. */
final class ConsoleVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {BuildInfo.of(Main.class).describe("switchboard-console")};
    }
}
