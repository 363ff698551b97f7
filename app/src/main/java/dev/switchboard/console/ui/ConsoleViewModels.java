package dev.switchboard.console.ui;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.RoleViewModel;
import dev.switchboard.console.ui.audit.AuditViewModel;
import dev.switchboard.console.ui.connections.ConnectionsViewModel;
import dev.switchboard.console.ui.errors.ErrorsViewModel;
import dev.switchboard.console.ui.log.LogViewModel;
import dev.switchboard.console.ui.overview.OverviewViewModel;
import dev.switchboard.console.ui.protection.ProtectionViewModel;
import dev.switchboard.console.ui.runs.RunsViewModel;
import dev.switchboard.console.ui.types.TypesViewModel;
import dev.switchboard.console.ui.why.WhyViewModel;
import java.util.concurrent.Executor;

/**
 * The view models of the features the feed drives, each handed every batch of {@link ConsoleState}'s
 * tick (the inject and simulate panels have their own ticks). Made once per window, and by tests
 * that look at the whole console without one.
 */
public record ConsoleViewModels(OverviewViewModel overview, ConnectionsViewModel connections, TypesViewModel types,
                                RunsViewModel runs, ErrorsViewModel errors, LogViewModel log,
                                ProtectionViewModel protection, RoleViewModel role, AuditViewModel audit,
                                WhyViewModel why) {

    /**
     * Makes the view models and has {@code state} hand them its batches.
     *
     * @param feed     where operator commands go
     * @param uiThread runs command answers on the FX thread ({@code Platform::runLater}; in a test
     *                 without a window, {@code Runnable::run})
     */
    public static ConsoleViewModels attach(ConsoleState state, ConsoleFeed feed, Executor uiThread) {
        ConsoleState.Limits limits = state.limits();
        WhyViewModel why = new WhyViewModel(feed, uiThread);
        ConsoleViewModels models = new ConsoleViewModels(new OverviewViewModel(limits, state.startedAtMillis()),
                new ConnectionsViewModel(feed, uiThread), new TypesViewModel(), new RunsViewModel(limits),
                new ErrorsViewModel(limits), new LogViewModel(limits, why),
                new ProtectionViewModel(feed, uiThread), new RoleViewModel(), new AuditViewModel(), why);
        state.addListener(models.overview());
        state.addListener(models.connections());
        state.addListener(models.types());
        state.addListener(models.runs());
        state.addListener(models.errors());
        state.addListener(models.log());
        state.addListener(models.protection());
        state.addListener(models.role());
        state.addListener(models.audit());
        state.addListener(models.why());
        return models;
    }
}
