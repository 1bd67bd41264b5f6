package io.kamiflow.notify;

import java.util.Arrays;
import java.util.Optional;

/** What a target can be told of; {@link #wire} is the event's name in a webhook's body. */
public enum NotifyEvent {
    ORDER_PAID("order.paid"),
    PRODUCT_HOOK("order.paid.hook"),
    LOW_STOCK("stock.low"),
    TASK_OVERDUE("task.overdue"),
    INCIDENT("incident"),
    INVARIANT_VIOLATED("invariant.violated"),
    TEST("test");

    /** What a target of the shop (not a product's hook) can switch on. */
    public static final java.util.List<NotifyEvent> SWITCHABLE =
            java.util.List.of(ORDER_PAID, LOW_STOCK, TASK_OVERDUE, INCIDENT, INVARIANT_VIOLATED);

    public final String wire;

    NotifyEvent(String wire) {
        this.wire = wire;
    }

    public static Optional<NotifyEvent> parse(String name) {
        return Arrays.stream(values()).filter(event -> event.name().equals(name)).findFirst();
    }
}
