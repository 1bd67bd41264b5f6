package io.kamiflow.payment.wechat;

import java.util.Map;

import com.wechat.pay.java.core.RSAPublicKeyConfig;
import com.wechat.pay.java.core.exception.ServiceException;
import com.wechat.pay.java.core.exception.WechatPayException;
import com.wechat.pay.java.core.http.DefaultHttpClientBuilder;
import com.wechat.pay.java.core.http.HostName;
import com.wechat.pay.java.service.payments.nativepay.NativePayService;
import com.wechat.pay.java.service.payments.nativepay.model.Amount;
import com.wechat.pay.java.service.payments.nativepay.model.PrepayRequest;
import com.wechat.pay.java.service.payments.nativepay.model.PrepayResponse;
import io.kamiflow.catalog.Product;
import io.kamiflow.ops.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
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
 * fixed, so an OkHttp interceptor points it at the configured base URL (the real host by default).
 */
@Component
class WechatChannel implements PaymentChannel {

    static final String ID = "wechat";
    private static final Logger log = LoggerFactory.getLogger(WechatChannel.class);

    private final WechatProperties properties;
    private final NativePayService nativePay;

    WechatChannel(WechatProperties properties) {
        this.properties = properties;
        this.nativePay = properties.canCheckout() ? nativePay(properties) : null;
    }

    private static NativePayService nativePay(WechatProperties properties) {
        RSAPublicKeyConfig config = new RSAPublicKeyConfig.Builder()
                .merchantId(properties.mchId())
                .privateKey(properties.privateKey())
                .merchantSerialNumber(properties.merchantSerialNumber())
                .publicKey(properties.publicKey())
                .publicKeyId(properties.publicKeyId())
                .apiV3Key(properties.apiV3Key())
                .build();
        HttpUrl base = HttpUrl.get(properties.baseUrl());
        OkHttpClient http = new OkHttpClient.Builder().addInterceptor(chain -> {
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
        return new NativePayService.Builder()
                .httpClient(new DefaultHttpClientBuilder().config(config).okHttpClient(http).build())
                .build();
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
    public Map<String, Object> checkout(Order order, Product product) {
        if (nativePay == null) {
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
        } catch (WechatPayException | IllegalArgumentException e) {
            // network failure, or an answer the SDK could not validate (bad signature, stale or missing timestamp)
            log.warn("wechat prepay failed for order {}: {}", order.orderNo(), e.getClass().getSimpleName());
            throw Problems.of(HttpStatus.BAD_GATEWAY, "wechat pay did not create the payment");
        }
        return PaymentInstructions.of(ID, order).with("codeUrl", response.getCodeUrl()).toMap();
    }
}
