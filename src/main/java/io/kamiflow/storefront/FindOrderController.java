package io.kamiflow.storefront;

import java.time.Duration;

import io.kamiflow.delivery.OrderLinkMail;
import io.kamiflow.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Find my order": order number and email send the order link again, to the order's address. The answer is the
 * same whether or not such an order exists, and it never shows the order or its keys. While the mail queue is full the
 * answer is 503 problem+json with Retry-After.
 */
@Controller
class FindOrderController {

    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private final OrderLinkMail linkMail;

    FindOrderController(OrderLinkMail linkMail) {
        this.linkMail = linkMail;
    }

    @GetMapping("/find-order")
    String form() {
        return "find-order";
    }

    @PostMapping("/find-order")
    String find(@RequestParam(defaultValue = "") String orderNo, @RequestParam(defaultValue = "") String email,
                Model model, HttpServletResponse response) {
        if (orderNo.isBlank() || orderNo.length() > 64 || email.isBlank() || email.length() > 254) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", "find.error.input");
            return "find-order";
        }
        if (!linkMail.resend(orderNo, email)) { // the same answer whether or not the order exists
            throw Problems.serviceUnavailable("too many order link requests are waiting to be mailed; try again in a minute",
                    RETRY_AFTER);
        }
        model.addAttribute("sent", true);
        return "find-order";
    }
}
