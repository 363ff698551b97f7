package dev.switchboard.router.server;

import dev.switchboard.router.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the router's version and the git commit it was built from. */
final class RouterVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {BuildInfo.router().describe("switchboard-router")};
    }
}
