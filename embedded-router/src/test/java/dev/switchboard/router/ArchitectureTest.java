package dev.switchboard.router;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering of {@code ../shared/DESIGN.md}, enforced. */
@AnalyzeClasses(packages = "dev.switchboard.router", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule routerHasNoJavaFx = noClasses().that().resideInAPackage("dev.switchboard.router..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule protocolDependsOnNothingElseInTheProject = noClasses()
            .that().resideInAPackage("..router.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("..router.routing..", "..router.connections..",
                    "..router.agents..", "..router.handlers..", "..router.transport..", "..router.server..",
                    "..router.metrics..", "..router.protection..", "..router.quality..", "..router.auth..");

    @ArchTest
    static final ArchRule routingUsesOnlyProtocol = noClasses().that().resideInAPackage("..router.routing..")
            .should().dependOnClassesThat().resideInAnyPackage("..router.connections..", "..router.agents..",
                    "..router.handlers..", "..router.transport..", "..router.server..", "..router.metrics..",
                    "..router.protection..", "..router.quality..");

    @ArchTest
    static final ArchRule connectionsAndAgentsStayBelowRouting = noClasses()
            .that().resideInAnyPackage("..router.connections..", "..router.agents..", "..router.protection..")
            .should().dependOnClassesThat().resideInAnyPackage("..router.routing..", "..router.handlers..",
                    "..router.transport..", "..router.server..");

    /** Redis is the cluster's business: the rest reaches it through hooks the cluster implements. */
    @ArchTest
    static final ArchRule onlyTheClusterTalksToRedis = noClasses().that().resideOutsideOfPackage("..router.cluster..")
            .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "io.github.bucket4j.redis..");

    /** The cluster plugs into the parts through their hooks; the parts never know it exists. */
    @ArchTest
    static final ArchRule thePartsDoNotKnowTheCluster = noClasses().that().resideInAnyPackage("..router.connections..",
                    "..router.agents..", "..router.protection..", "..router.transport..", "..router.routing..",
                    "..router.handlers..", "..router.monitor..")
            .should().dependOnClassesThat().resideInAPackage("..router.cluster..");

    @ArchTest
    static final ArchRule onlyTheTransportTouchesNetty = noClasses()
            .that().resideOutsideOfPackage("..router.transport..")
            .should().dependOnClassesThat().resideInAPackage("io.netty..");

    /*
     * Machinery behind internal/ (resilience4j's shape: API at the package root, the implementation in
     * internal/). Everything else reaches it through the root: AgentRuns.tracker(…) builds the run
     * tracker, the Protection constructor builds the validator, classifier and rate limiter. No
     * exceptions are needed: the router's wiring uses those factories too.
     */
    @ArchTest
    static final ArchRule agentsMachineryIsReachedOnlyThroughTheAgentsApi = noClasses()
            .that().resideOutsideOfPackage("..router.agents..")
            .should().dependOnClassesThat().resideInAPackage("..router.agents.internal..");

    @ArchTest
    static final ArchRule protectionMachineryIsReachedOnlyThroughTheProtectionApi = noClasses()
            .that().resideOutsideOfPackage("..router.protection..")
            .should().dependOnClassesThat().resideInAPackage("..router.protection.internal..");

    /** The transport offers hooks ({@code hooks}); the monitor implements them and never sees the transport. */
    @ArchTest
    static final ArchRule monitorDoesNotDependOnTheTransport = noClasses().that().resideInAPackage("..router.monitor..")
            .should().dependOnClassesThat().resideInAPackage("..router.transport..");
}
