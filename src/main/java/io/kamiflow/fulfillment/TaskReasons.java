package io.kamiflow.fulfillment;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderStatus;

/**
 * What happened to an order and why, in sentences (English / Chinese) for support's forms instead of codes such as
 * ALREADY_PAID, and which decisions can still succeed.
 */
final class TaskReasons {

    private TaskReasons() {
    }

    /** Why Review payment opened, from Verify payment's discrepancy code. */
    static String review(String discrepancy, Order order) {
        return switch (discrepancy == null ? "" : discrepancy) {
            case "AMOUNT_MISMATCH" -> "The gateway confirmed a payment of another amount than the order's "
                    + amount(order) + ". / 网关确认的付款金额与订单金额 " + amount(order) + " 不符。";
            case "CURRENCY_MISMATCH" -> "The gateway confirmed a payment in another currency than the order's ("
                    + order.amount().currency() + "). / 网关确认的付款币种与订单币种（" + order.amount().currency() + "）不符。";
            case "ALREADY_PAID" -> "The order was already paid by another payment: this one is a second payment of the same "
                    + "order. / 该订单已由另一笔付款支付，这是同一订单的第二笔付款。";
            case "ORDER_NOT_PAYABLE" -> "The payment arrived after the order had " + status(order)
                    + ". / 付款到达时订单已" + statusZh(order) + "。";
            default -> "The payment does not simply pay this order. / 这笔付款无法直接用于支付该订单。";
        };
    }

    /** Whether accepting the payment under review can still succeed (PaymentVerifier.acceptReviewed's rules). */
    static boolean canAccept(Order order, long paymentId) {
        if (order.paymentId() != null) {
            return order.paymentId() == paymentId;
        }
        return order.status() == OrderStatus.PENDING_PAYMENT || order.status() == OrderStatus.EXPIRED
                || order.status() == OrderStatus.CANCELLED;
    }

    static String manual(Object attempts) {
        return "The keys could not be mailed to the buyer (" + attempts + " attempts); the mail server's answer is below. "
                + "/ 卡密邮件发送失败（已尝试 " + attempts + " 次），邮件服务器的回复见下方。";
    }

    static String restock(Order order) {
        return "The order is paid but its product ran out of keys, and no new keys came before the restock deadline. "
                + "/ 订单已付款，但商品卡密已售罄，补货期限内没有新的卡密。";
    }

    private static String amount(Order order) {
        return order.amount().amount() + " " + order.amount().currency();
    }

    private static String status(Order order) {
        return switch (order.status()) {
            case EXPIRED -> "expired unpaid";
            case CANCELLED -> "been cancelled";
            case REFUNDED -> "been refunded";
            default -> "moved on (" + order.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
        };
    }

    private static String statusZh(Order order) {
        return switch (order.status()) {
            case EXPIRED -> "过期未付";
            case CANCELLED -> "取消";
            case REFUNDED -> "退款";
            default -> "进入其他状态";
        };
    }
}
