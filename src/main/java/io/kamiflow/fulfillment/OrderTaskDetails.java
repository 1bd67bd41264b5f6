package io.kamiflow.fulfillment;

import java.util.Map;
import java.util.stream.Collectors;

import io.kamiflow.catalog.InputField;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderFields;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What every support form shows about its order, set on the task alone (local variables) when it is created: amount,
 * channel, the gateway's trade number, product and quantity, and for a hand-fulfilled product what the buyer filled in
 * ("Label: value" lines; personal data, so kept out of the history: {@link ProcessVariables#KEPT_OUT_OF_HISTORY}).
 */
@Component("orderTaskDetails")
class OrderTaskDetails implements TaskListener {

    private final InstanceOrders orders;
    private final ProductRepository products;
    private final OrderFields fields;
    private final JdbcClient jdbc;

    OrderTaskDetails(InstanceOrders orders, ProductRepository products, OrderFields fields, JdbcClient jdbc) {
        this.orders = orders;
        this.products = products;
        this.fields = fields;
        this.jdbc = jdbc;
    }

    @Override
    public void notify(DelegateTask task) {
        if (task.getExecution() == null) {
            return;
        }
        Order order = orders.order(task.getExecution());
        Product product = products.getById(order.productId());
        task.setVariableLocal("orderAmount", order.amount().amount() + " " + order.amount().currency());
        task.setVariableLocal("orderChannel", order.channel());
        task.setVariableLocal("orderTradeNo", jdbc.sql("SELECT trade_no FROM payment WHERE order_no = ? ORDER BY id DESC LIMIT 1")
                .param(order.orderNo()).query(String.class).optional().orElse("-"));
        task.setVariableLocal("orderProduct", product.name() + " (" + product.sku() + ")");
        task.setVariableLocal("orderQuantity", order.quantity());
        switch (task.getTaskDefinitionKey() == null ? "" : task.getTaskDefinitionKey()) {
            case "ReviewPayment" -> {
                task.setVariableLocal("reviewWhy", TaskReasons.review((String) task.getVariable(ProcessVariables.DISCREPANCY), order));
                task.setVariableLocal(ProcessVariables.REVIEW_CAN_ACCEPT, TaskReasons.canAccept(order, orders.paymentId(task.getExecution())));
            }
            case "ManualDelivery" -> task.setVariableLocal("manualWhy",
                    TaskReasons.manual(task.getVariable(ProcessVariables.DELIVERY_ATTEMPTS)));
            case "RestockOrRefund" -> task.setVariableLocal("restockWhy", TaskReasons.restock(order));
            default -> { }
        }
        if (product.byHand()) {
            Map<String, String> values = fields.of(order.id());
            String lines = product.inputFields().stream()
                    .map(field -> label(field) + ": " + values.getOrDefault(field.key(), "-"))
                    .collect(Collectors.joining("\n"));
            task.setVariableLocal(ProcessVariables.BUYER_FIELDS, lines.isEmpty() ? "-" : lines);
        }
    }

    private static String label(InputField field) {
        return field.labelZh() == null ? field.labelEn() : field.labelEn() + " / " + field.labelZh();
    }
}
