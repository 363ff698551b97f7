package dev.switchboard.console.ui.types;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.MonitorFrames;
import dev.switchboard.console.state.ConsoleState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.chart.XYChart;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The bar chart follows the counts by updating its bars, not by replacing them (JavaFX keeps old bars' listeners). */
@ExtendWith(ApplicationExtension.class)
class TypesViewTest {
    private final ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
    private TypesView view;

    @Start
    void start(Stage stage) {
        TypesViewModel model = new TypesViewModel();
        state.addListener(model);
        view = new TypesView(model);
        stage.setScene(new Scene(view, 600, 400));
        stage.show();
    }

    private void update(String byType) throws Exception {
        state.offer(MonitorFrames.read(
                "{\"type\":\"monitor_update\",\"stats\":{\"by_type\":" + byType + "},\"events\":[]}"));
        WaitForAsyncUtils.asyncFx(state::applyPending).get(5, TimeUnit.SECONDS);
    }

    @Test
    void keepsItsBarsAndMovesTheirValues() throws Exception {
        update("{\"ping\":1,\"user_message\":2}");
        List<XYChart.Data<String, Number>> first = onFx(view::bars);

        for (int i = 2; i < 200; i++) {
            update("{\"ping\":" + i + ",\"user_message\":" + (2 * i) + "}");
        }
        List<XYChart.Data<String, Number>> later = onFx(view::bars);

        assertThat(later).hasSize(2);
        assertThat(later.get(0)).isSameAs(first.get(0));
        assertThat(later.get(1)).isSameAs(first.get(1));
        assertThat(onFx(() -> later.stream().map(bar -> bar.getYValue().longValue()).toList()))
                .containsExactly(199L, 398L);

        update("{\"ping\":200,\"typing\":1,\"user_message\":400}");
        assertThat(onFx(() -> view.bars().stream().map(XYChart.Data::getXValue).toList()))
                .containsExactly("ping", "typing", "user_message");
        assertThat(onFx(view::bars).get(0)).isSameAs(first.get(0));
    }
}
