package io.kamiflow.engine.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.CallActivity;
import org.camunda.bpm.model.bpmn.instance.CatchEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.junit.jupiter.api.Test;

/**
 * The BPMN side of docs/upgrades.md: what a trigger (a message, a completed task) continues runs inline on whichever
 * node took it, old or new, so it stops at an async boundary (rule 3); a called process is the caller's deployment's,
 * not the newest one (a newer version's called process may need code an old node lacks); levels are whole numbers.
 */
class ProcessUpgradeRulesTest {

    /** Triggers that continue inline today, and why that is safe across one release. */
    static final Map<String, String> INLINE_BY_DESIGN = Map.of(
            "PaymentReceived", "the paying callback's claim: starts on the newest version the node runs (FulfillmentStarter)",
            "ResendRequested", "Prepare resend runs inline on the admin's node: keep prepareResendDelegate compatible one release",
            "RefundRequested", "the refund call runs inline: bound to the caller's deployment, so the old node's own payment-refund");

    @Test
    void triggersStopAtAnAsyncBoundary() throws IOException {
        List<String> inline = new ArrayList<>();
        for (BpmnModelInstance model : models()) {
            for (UserTask task : model.getModelElementsByType(UserTask.class)) {
                if (!task.isCamundaAsyncAfter()) {
                    inline.add(task.getId());
                }
            }
            for (CatchEvent event : model.getModelElementsByType(CatchEvent.class)) {
                boolean message = event.getEventDefinitions().stream().anyMatch(MessageEventDefinition.class::isInstance);
                boolean started = event instanceof org.camunda.bpm.model.bpmn.instance.StartEvent;
                if ((message || started && isOrderFulfillment(event)) && !event.isCamundaAsyncAfter()
                        && !nextIsAsync(event)) {
                    inline.add(event.getId());
                }
            }
        }
        assertThat(inline).as("triggers that continue inline (docs/upgrades.md rule 3)")
                .allMatch(INLINE_BY_DESIGN::containsKey, "listed in INLINE_BY_DESIGN");
    }

    @Test
    void calledProcessesAreTheCallersDeployments() throws IOException {
        for (BpmnModelInstance model : models()) {
            for (CallActivity call : model.getModelElementsByType(CallActivity.class)) {
                assertThat(call.getCamundaCalledElementBinding()).as(call.getId()).isEqualTo("deployment");
            }
        }
    }

    @Test
    void everyProcessHasAWholeNumberLevelOrNone() throws IOException {
        for (BpmnModelInstance model : models()) {
            for (Process process : model.getModelElementsByType(Process.class)) {
                assertThat(ProcessLevels.level(process.getCamundaVersionTag())).as(process.getId()).isNotNegative();
            }
        }
    }

    private static boolean isOrderFulfillment(CatchEvent event) {
        return event.getModelInstance().getModelElementById("order-fulfillment") != null;
    }

    private static boolean nextIsAsync(FlowNode node) {
        return !node.getOutgoing().isEmpty() && node.getOutgoing().stream().allMatch(flow -> flow.getTarget().isCamundaAsyncBefore());
    }

    private static List<BpmnModelInstance> models() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("bpmn"))) {
            return files.filter(f -> f.toString().endsWith(".bpmn")).sorted().map(f -> Bpmn.readModelFromFile(f.toFile())).toList();
        }
    }
}
