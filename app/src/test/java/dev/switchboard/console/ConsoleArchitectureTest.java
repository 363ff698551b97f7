package dev.switchboard.console;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The console's seams: feeds, the injector, the load engine (simulate) and the benchmark's loads know no JavaFX, view models no scene graph. */
@AnalyzeClasses(packages = "dev.switchboard.console", importOptions = ImportOption.DoNotIncludeTests.class)
class ConsoleArchitectureTest {

    @ArchTest
    static final ArchRule feedsHaveNoJavaFx = noClasses().that().resideInAPackage("..console.feed..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule theLoadEngineHasNoJavaFx = noClasses().that()
            .resideInAPackage("dev.switchboard.console.simulate..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule theBenchmarkLoadsHaveNoJavaFx = noClasses().that()
            .resideInAPackage("dev.switchboard.console.bench..").and().haveSimpleNameEndingWith("Load")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule theRunContractHasNoJavaFx = noClasses().that()
            .resideInAPackage("dev.switchboard.console.contract..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    /** Every client WebSocket of the console is a {@code ws.ClientConnection}. */
    @ArchTest
    static final ArchRule onlyTheClientConnectionOpensWebSockets = noClasses().that()
            .resideOutsideOfPackage("dev.switchboard.console.ws..")
            .should().callMethod(java.net.http.WebSocket.Builder.class, "buildAsync", java.net.URI.class,
                    java.net.http.WebSocket.Listener.class);

    @ArchTest
    static final ArchRule theClientConnectionHelpersHaveNoJavaFx = noClasses().that()
            .resideInAPackage("dev.switchboard.console.ws..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule theInjectorHasNoJavaFx = noClasses().that().resideInAPackage("dev.switchboard.console.inject..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule viewModelsNextToTheirViewsHaveNoSceneGraph = noClasses().that()
            .resideInAPackage("..console.ui..").and().haveSimpleNameEndingWith("ViewModel")
            .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..",
                    "javafx.application..");

    @ArchTest
    static final ArchRule viewModelsHaveNoSceneGraph = noClasses().that().resideInAPackage("..console.state..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..",
                    "javafx.application..");

    /** Views know the router only through the feed, and the monitor protocol's records it delivers. */
    @ArchTest
    static final ArchRule viewsTalkToTheRouterOnlyThroughTheFeed = noClasses().that().resideInAPackage("..console.ui..")
            .should().dependOnClassesThat(resideInAPackage("dev.switchboard.router..")
                    .and(not(resideInAPackage("dev.switchboard.router.monitor.wire.."))));

    /** The main window knows the views; a view knows only {@code ui.common}, never the window's package. */
    @ArchTest
    static final ArchRule featureViewsDoNotDependOnTheWindowsPackage = noClasses().that()
            .resideInAPackage("dev.switchboard.console.ui.*..")
            .should().dependOnClassesThat().resideInAPackage("dev.switchboard.console.ui");

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices().matching("dev.switchboard.console.ui.(*)..")
            .should().beFreeOfCycles();
}
