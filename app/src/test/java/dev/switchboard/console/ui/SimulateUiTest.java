package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.simulate.VirtualUser;
import dev.switchboard.console.state.TypeRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The simulate panel against the console's embedded router, driven as an operator would, headless through Monocle. */
class SimulateUiTest extends EmbeddedConsoleTest {
    @Test
    @SuppressWarnings("unchecked")
    void ctrl9OpensThePanelWhichRunsTheSmokeScenarioToAPassWhileTheRouterViewsKeepCounting(FxRobot robot) {
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        TabPane views = onFx(() -> robot.lookup("#views").queryAs(TabPane.class));
        assertThat(onFx(() -> views.getSelectionModel().getSelectedItem().getId())).isEqualTo("tab-simulate");
        ComboBox<Path> scenario = onFx(() -> robot.lookup("#sim-scenario").queryAs(ComboBox.class));
        assertThat(onFx(scenario::getValue).getFileName().toString()).isEqualTo("smoke.json");

        robot.clickOn("#sim-start");
        Label verdict = onFx(() -> robot.lookup("#sim-verdict").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> onFx(() -> !verdict.getText().isEmpty()));
        WaitForAsyncUtils.waitForFxEvents();

        TableView<SimReport.Check> checks = onFx(() -> robot.lookup("#sim-checks").queryAs(TableView.class));
        assertThat(onFx(() -> List.copyOf(checks.getItems())))
                .allSatisfy(check -> assertThat(check.passed()).as(check.toString()).isTrue());
        assertThat(onFx(verdict::getText)).isEqualTo("PASS");
        assertThat(onFx(verdict::isVisible)).isTrue();
        assertThat(onFx(() -> List.copyOf(verdict.getStyleClass()))).contains("sim-pass");
        assertThat(onFx(() -> robot.lookup("#sim-sent").queryAs(Label.class).getText())).isEqualTo("100");
        assertThat(onFx(() -> robot.lookup("#sim-isolation").queryAs(Label.class).getText())).isEqualTo("0");
        TableView<VirtualUser.UserRow> users = onFx(() -> robot.lookup("#sim-users-table").queryAs(TableView.class));
        assertThat(onFx(() -> List.copyOf(users.getItems())))
                .hasSize(5).allSatisfy(row -> assertThat(row.sent()).isEqualTo(20));

        // the router-side views kept up with the simulated traffic
        robot.clickOn("#tab-types");
        TableView<TypeRow> types = onFx(() -> robot.lookup("#types-table").queryAs(TableView.class));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> types.getItems().stream()
                .anyMatch(row -> row.type().equals("validate_content") && row.count() > 0)));
    }

    @Test
    void aRouterUrlThatIsNotAClientEndpointDisablesStartAndSaysWhy(FxRobot robot) {
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        TextField urls = onFx(() -> robot.lookup("#sim-urls").queryAs(TextField.class));
        Button start = onFx(() -> robot.lookup("#sim-start").queryAs(Button.class));
        assertThat(onFx(() -> urls.getText())).isEmpty();
        assertThat(onFx(start::isDisabled)).isFalse();

        robot.clickOn("#sim-urls").write("ws://127.0.0.1:8765/ws, localhost:8775");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(onFx(start::isDisabled)).isTrue();
        assertThat(onFx(() -> robot.lookup("#sim-problem").queryAs(Label.class).getText()))
                .isEqualTo("not a ws:// or wss:// URL: localhost:8775");
    }
}
