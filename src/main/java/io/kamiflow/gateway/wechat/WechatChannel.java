package io.kamiflow.gateway.wechat;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.wechat.pay.java.core.RSAPublicKeyConfig;
import com.wechat.pay.java.core.exception.HttpException;
import com.wechat.pay.java.core.exception.ServiceException;
import com.wechat.pay.java.core.exception.WechatPayException;
import com.wechat.pay.java.core.http.DefaultHttpClientBuilder;
import com.wechat.pay.java.core.http.HostName;
import com.wechat.pay.java.core.http.HttpClient;
import com.wechat.pay.java.service.payments.model.Transaction;
import com.wechat.pay.java.service.payments.nativepay.NativePayService;
import com.wechat.pay.java.service.payments.nativepay.model.Amount;
import com.wechat.pay.java.service.payments.nativepay.model.CloseOrderRequest;
import com.wechat.pay.java.service.payments.nativepay.model.PrepayRequest;
import com.wechat.pay.java.service.payments.nativepay.model.PrepayResponse;
import com.wechat.pay.java.service.payments.nativepay.model.QueryOrderByOutTradeNoRequest;
import com.wechat.pay.java.service.refund.RefundService;
import com.wechat.pay.java.service.refund.model.AmountReq;
import com.wechat.pay.java.service.refund.model.CreateRequest;
import com.wechat.pay.java.service.refund.model.QueryByOutRefundNoRequest;
import com.wechat.pay.java.service.refund.model.Refund;
import com.wechat.pay.java.service.refund.model.Status;
import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.PaymentWindow;
import io.kamiflow.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.GatewayTimeouts;
import io.kamiflow.payment.NotifyFields;
import io.kamiflow.payment.Payment;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import io.kamiflow.payment.PaymentNotice;
import io.kamiflow.payment.RefundResult;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * WeChat Pay: checkout creates a Native payment with wechatpay-java (it signs the request and verifies the
 * response with the WeChat Pay public key) and answers its code_url for a QR code. The SDK's API host is
 * fixed, so an OkHttp interceptor points it at the configured base URL (the real host by default). Refunds
 * (out_refund_no = the refund's request id), their follow-up query and the order query use the same signed,
 * response-verifying client.
 */
@Component
class WechatChannel implements PaymentChannel {

    static final String ID = "wechat";
    private static final Logger log = LoggerFactory.getLogger(WechatChannel.class);
    private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private final WechatProperties properties;
    private final NativePayService nativePay;
    private final RefundService refunds;
    private final PaymentWindow settings;

    WechatChannel(WechatProperties properties, PaymentWindow settings, GatewayTimeouts timeouts) {
        this.properties = properties;
        this.settings = settings;
        HttpClient http = properties.canCallApi() ? httpClient(properties, timeouts) : null;
        this.nativePay = http == null ? null : new NativePayService.Builder().httpClient(http).build();
        this.refunds = http == null ? null : new RefundService.Builder().httpClient(http).build();
    }

    /**
     * OkHttp's own timeouts are 10 s each with no bound on the whole call: callTimeout bounds it, and OkHttp's silent
     * retry on a failed connection is off (the SDK adds none): a failed call is its caller's to repeat.
     */
    private static HttpClient httpClient(WechatProperties properties, GatewayTimeouts timeouts) {
        RSAPublicKeyConfig config = new RSAPublicKeyConfig.Builder()
                .merchantId(properties.mchId())
                .privateKey(properties.privateKey())
                .merchantSerialNumber(properties.merchantSerialNumber())
                .publicKey(properties.publicKey())
                .publicKeyId(properties.publicKeyId())
                .apiV3Key(properties.apiV3Key())
                .build();
        HttpUrl base = HttpUrl.get(properties.baseUrl());
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(timeouts.connectTimeout())
                .readTimeout(timeouts.readTimeout())
                .writeTimeout(timeouts.readTimeout())
                .callTimeout(timeouts.callTimeout())
                .retryOnConnectionFailure(false)
                .addInterceptor(chain -> {
            Request request = chain.request();
            if (request.url().host().equals(HostName.API.getValue())) {
                String prefix = base.encodedPath().endsWith("/")
                        ? base.encodedPath().substring(0, base.encodedPath().length() - 1) : base.encodedPath();
                request = request.newBuilder().url(base.newBuilder()
                        .encodedPath(prefix + request.url().encodedPath())
                        .encodedQuery(request.url().encodedQuery()).build()).build();
            }
            return chain.proceed(request);
        }).build();
        return new DefaultHttpClientBuilder().config(config).okHttpClient(http).build();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public List<String> missingSettings() {
        return properties.missing();
    }

    @Override
    public Map<String, Object> checkout(Order order, Product product) {
        if (nativePay == null || !properties.canCheckout()) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                    "wechat checkout needs kamiflow.payment.wechat.private-key, merchant-serial-number and notify-url");
        }
        if (!"CNY".equals(order.amount().currency())) {
            throw Problems.badRequest("wechat takes CNY only");
        }
        PrepayRequest request = new PrepayRequest();
        request.setAppid(properties.appId());
        request.setMchid(properties.mchId());
        request.setDescription(product.name());
        request.setOutTradeNo(order.orderNo());
        request.setNotifyUrl(properties.notifyUrl());
        // WeChat stops taking money for this order when it expires (RFC 3339, China time)
        request.setTimeExpire(settings.expiresAt(order).atZone(CHINA).format(RFC_3339));
        Amount amount = new Amount();
        amount.setTotal(Math.toIntExact(order.amount().minor()));
        amount.setCurrency("CNY");
        request.setAmount(amount);
        PrepayResponse response;
        try {
            response = nativePay.prepay(request);
        } catch (ServiceException e) {
            log.warn("wechat prepay refused for order {}: {} {}", order.orderNo(), e.getHttpStatusCode(), e.getErrorCode());
            throw Problems.of(HttpStatus.BAD_GATEWAY, "wechat pay did not create the payment");
        } catch (HttpException e) { // no answer within the timeouts, or no connection
            log.warn("wechat prepay for order {} got no answer: {}", order.orderNo(), e.getClass().getSimpleName());
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "wechat pay did not answer in time");
        } catch (WechatPayException | IllegalArgumentException e) {
            // an answer the SDK could not validate (bad signature, stale or missing timestamp)
            log.warn("wechat prepay failed for order {}: {}", order.orderNo(), e.getClass().getSimpleName());
            throw Problems.of(HttpStatus.BAD_GATEWAY, "wechat pay did not create the payment");
        }
        return PaymentInstructions.of(ID, order).with("codeUrl", response.getCodeUrl()).toMap();
    }

    @Override
    public boolean supportsRefund() {
        return refunds != null;
    }

    /**
     * A full refund of the WeChat transaction. out_refund_no is the refund's request id: WeChat answers a
     * repeated request with the refund it already has. SUCCESS is returned money; PROCESSING (WeChat accepted it
     * and settles it asynchronously) is followed up with {@link #checkRefund}; CLOSED, ABNORMAL, a refusal or no
     * valid answer throw.
     */
    @Override
    public RefundResult refund(Payment payment, String requestId, String reason) {
        if (!"CNY".equals(payment.amount().currency())) {
            throw new IllegalStateException("wechat refunds CNY only, payment " + payment.id() + " is "
                    + payment.amount().currency());
        }
        CreateRequest request = new CreateRequest();
        request.setTransactionId(payment.tradeNo());
        request.setOutRefundNo(requestId);
        request.setReason(reason == null ? null : reason.substring(0, Math.min(reason.length(), 80)));
        AmountReq amount = new AmountReq();
        amount.setRefund(payment.amount().minor());
        amount.setTotal(payment.amount().minor());
        amount.setCurrency("CNY");
        request.setAmount(amount);
        Refund refund;
        try {
            refund = refunds.create(request);
        } catch (ServiceException e) {
            throw new IllegalStateException("wechat refused the refund of payment " + payment.id() + " ("
                    + e.getHttpStatusCode() + " " + e.getErrorCode() + ")");
        } catch (WechatPayException | IllegalArgumentException e) {
            throw new IllegalStateException("wechat refund of payment " + payment.id() + " failed ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (refund == null || NotifyFields.blank(refund.getRefundId())
                || (refund.getStatus() != Status.SUCCESS && refund.getStatus() != Status.PROCESSING)) {
            throw new IllegalStateException("wechat refund of payment " + payment.id() + " is "
                    + (refund == null ? "unanswered" : refund.getStatus()));
        }
        log.info("wechat refund {} of payment {} is {}", refund.getRefundId(), payment.id(), refund.getStatus());
        return refund.getStatus() == Status.SUCCESS ? RefundResult.succeeded(refund.getRefundId())
                : RefundResult.processing(refund.getRefundId());
    }

    /**
     * The refund as WeChat has it now, by out_refund_no: SUCCESS returned the money, PROCESSING still settles,
     * ABNORMAL (e.g. the buyer's account is closed or frozen) and CLOSED mean WeChat gave it up. Errors throw.
     */
    @Override
    public RefundResult checkRefund(Payment payment, String requestId, String reference) {
        QueryByOutRefundNoRequest request = new QueryByOutRefundNoRequest();
        request.setOutRefundNo(requestId);
        Refund refund;
        try {
            refund = refunds.queryByOutRefundNo(request);
        } catch (ServiceException e) {
            throw new IllegalStateException("wechat refund query of payment " + payment.id() + " failed ("
                    + e.getHttpStatusCode() + " " + e.getErrorCode() + ")");
        } catch (WechatPayException | IllegalArgumentException e) {
            throw new IllegalStateException("wechat refund query of payment " + payment.id() + " failed ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (refund == null || refund.getStatus() == null || !requestId.equals(refund.getOutRefundNo())) {
            throw new IllegalStateException("wechat answered a refund query of payment " + payment.id()
                    + " without its status or for another refund");
        }
        log.info("wechat refund {} of payment {} is {}", refund.getRefundId(), payment.id(), refund.getStatus());
        return switch (refund.getStatus()) {
            case SUCCESS -> RefundResult.succeeded(refund.getRefundId());
            case PROCESSING -> RefundResult.processing(refund.getRefundId());
            default -> RefundResult.failed(refund.getRefundId(), refund.getStatus().name());
        };
    }

    @Override
    public boolean supportsClose() {
        return nativePay != null;
    }

    /**
     * Closes the Native order by out_trade_no (204). ORDER_CLOSED is closed already; any other refusal (a paid order
     * is one) is settled by asking for the order: paid, or the refusal fails the job.
     */
    @Override
    public CloseOutcome close(Order order) {
        CloseOrderRequest request = new CloseOrderRequest();
        request.setMchid(properties.mchId());
        request.setOutTradeNo(order.orderNo());
        try {
            nativePay.closeOrder(request);
            return CloseOutcome.CLOSED;
        } catch (ServiceException e) {
            if ("ORDER_CLOSED".equals(e.getErrorCode())) {
                return CloseOutcome.CLOSED;
            }
            if (query(order).isPresent()) {
                return CloseOutcome.ALREADY_PAID;
            }
            throw new IllegalStateException("wechat refused to close order " + order.orderNo() + " ("
                    + e.getHttpStatusCode() + " " + e.getErrorCode() + ")");
        } catch (WechatPayException | IllegalArgumentException e) {
            throw new IllegalStateException("wechat close of order " + order.orderNo() + " failed ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public boolean supportsQuery() {
        return nativePay != null;
    }

    /**
     * Queries the order by out_trade_no (our order no). SUCCESS gives the notice the notify endpoint would record,
     * keyed on transaction_id; ORDER_NOT_EXIST (the buyer never scanned) and other states are "not paid".
     */
    @Override
    public Optional<PaymentNotice> query(Order order) {
        QueryOrderByOutTradeNoRequest request = new QueryOrderByOutTradeNoRequest();
        request.setMchid(properties.mchId());
        request.setOutTradeNo(order.orderNo());
        Transaction transaction;
        try {
            transaction = nativePay.queryOrderByOutTradeNo(request);
        } catch (ServiceException e) {
            if ("ORDER_NOT_EXIST".equals(e.getErrorCode())) {
                return Optional.empty();
            }
            throw new IllegalStateException("wechat order query failed for order " + order.orderNo() + " ("
                    + e.getHttpStatusCode() + " " + e.getErrorCode() + ")");
        } catch (WechatPayException | IllegalArgumentException e) {
            throw new IllegalStateException("wechat order query failed for order " + order.orderNo() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (transaction == null || transaction.getTradeState() == null
                || !"SUCCESS".equals(transaction.getTradeState().name())) {
            return Optional.empty();
        }
        if (!order.orderNo().equals(transaction.getOutTradeNo()) || NotifyFields.blank(transaction.getTransactionId())
                || !NotifyFields.same(properties.mchId(), transaction.getMchid())
                || !NotifyFields.same(properties.appId(), transaction.getAppid())
                || transaction.getAmount() == null || transaction.getAmount().getTotal() == null) {
            throw new IllegalStateException("wechat answered a transaction that is not order " + order.orderNo()
                    + " of this merchant, or lacks its id or amount");
        }
        String currency = transaction.getAmount().getCurrency();
        return Optional.of(new PaymentNotice(ID, transaction.getTransactionId(), order.orderNo(),
                new Money(transaction.getAmount().getTotal(), currency == null ? "CNY" : currency), true,
                transaction.getTradeState().name(), null, "query: " + transaction));
    }
}
