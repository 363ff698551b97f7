package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The menu bar lists every view with its shortcut, and the shortcuts work because the menus hold them. */
class MenuBarUiTest extends EmbeddedConsoleTest {

    @Test
    void everyViewAndShortcutIsInTheMenusAndTheShortcutsWork(FxRobot robot) {
        MenuBar bar = onFx(() -> robot.lookup("#menu-bar").queryAs(MenuBar.class));
        assertThat(onFx(() -> bar.getMenus().stream().map(Menu::getText).toList()))
                .containsExactly("File", "View", "Help");
        TabPane tabs = onFx(() -> robot.lookup("#views").queryAs(TabPane.class));
        List<String> views = onFx(() -> bar.getMenus().get(1).getItems().stream().map(MenuItem::getText)
                .filter(text -> text != null && !text.isEmpty()).toList());
        assertThat(views).containsSubsequence(onFx(() -> tabs.getTabs().stream().map(tab -> tab.getText()).toList()))
                .contains("Dark or light theme");
        assertThat(onFx(() -> bar.getMenus().get(1).getItems().get(9).getAccelerator()))
                .isEqualTo(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN));

        // the scene holds the menus' accelerators: Ctrl+0 opens the tenth view, the Audit
        robot.interact(() -> bar.getScene().getAccelerators()
                .get(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN)).run());
        assertThat(onFx(() -> tabs.getSelectionModel().getSelectedItem().getId())).isEqualTo("tab-audit");

        robot.interact(() -> bar.getMenus().get(2).getItems().get(0).fire());
        String shortcuts = onFx(() -> robot.lookup("#help-dialog").queryAs(DialogPane.class).getContentText());
        assertThat(shortcuts).contains("Save session…").contains("Live log").contains("Audit");
        robot.interact(() -> Window.getWindows().stream().filter(window -> window != bar.getScene().getWindow())
                .map(Stage.class::cast).toList().forEach(Stage::close));

        assertThat(onFx(() -> ((Stage) bar.getScene().getWindow()).getIcons())).hasSize(3);
    }
}
