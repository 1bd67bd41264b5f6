package io.kamiflow.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.delivery.DeliveryProperties;
import io.kamiflow.delivery.ShopName;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Sends one delivery to its target, with no transaction open and bounded timeouts: a webhook gets the stored body
 * signed ({@link WebhookSignature}) with the delivery's id as event id; Telegram and the admin mail get its text
 * ({@link NotifyTexts}) in the target's language. Anything but a 2xx throws, and no failure message carries a secret.
 */
@Component
class NotifySenders {

    private final NotifySettings settings;
    private final NotifyTargets targets;
    private final JavaMailSender mail;
    private final DeliveryProperties delivery;
    private final ObjectMapper json;
    private final HttpClient http;
    private final NotifyTexts texts;
    private final ShopName shopName;

    NotifySenders(NotifySettings settings, NotifyTargets targets, JavaMailSender mail, DeliveryProperties delivery,
                  ObjectMapper json, NotifyTexts texts, ShopName shopName) {
        this.texts = texts;
        this.shopName = shopName;
        this.settings = settings;
        this.targets = targets;
        this.mail = mail;
        this.delivery = delivery;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(settings.getConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void send(NotifyTargets.Target target, NotifyDeliveries.Delivery delivery) {
        switch (target.kind()) {
            case WEBHOOK, PRODUCT_HOOK -> webhook(target, delivery);
            case TELEGRAM -> telegram(delivery, target.locale());
            case MAIL -> mail(delivery, target.locale());
        }
    }

    private void webhook(NotifyTargets.Target target, NotifyDeliveries.Delivery delivery) {
        String secret = targets.secretOf(target.id());
        if (secret == null) {
            throw new IllegalStateException("webhook target " + target.id() + " has no secret");
        }
        String body = delivery.payload();
        HttpRequest request = HttpRequest.newBuilder(URI.create(target.url())).timeout(settings.getReadTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "kamiflow-notify")
                .header(WebhookSignature.EVENT_ID_HEADER, delivery.id())
                .header("X-Kamiflow-Event", delivery.event().wire)
                .header(WebhookSignature.HEADER, WebhookSignature.header(secret, Instant.now().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        expect2xx(request, "webhook");
    }

    private void telegram(NotifyDeliveries.Delivery delivery, java.util.Locale locale) {
        if (!settings.telegramConfigured()) {
            throw new IllegalStateException("Telegram is not configured (kamiflow.notify.telegram-bot-token, telegram-chat-id)");
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("chat_id", settings.getTelegramChatId());
        message.put("text", texts.text(read(delivery), locale));
        message.put("disable_web_page_preview", true);
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.getTelegramBaseUrl() + "/bot"
                        + settings.getTelegramBotToken() + "/sendMessage")).timeout(settings.getReadTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(message), StandardCharsets.UTF_8)).build();
        expect2xx(request, "Telegram");
    }

    private void mail(NotifyDeliveries.Delivery notice, java.util.Locale locale) {
        JsonNode body = read(notice);
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(delivery.from());
        message.setTo(delivery.adminEmail());
        // the shop's name as the buyers' mails give it, in the target's language (the setting alone was "[null]" unset)
        message.setSubject("[" + shopName.name(locale) + "] " + texts.title(body, locale));
        message.setText(texts.text(body, locale) + "\n\n" + texts.eventLine(notice.id(), locale) + "\n");
        mail.send(message);
    }

    private void expect2xx(HttpRequest request, String what) {
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(what + " not reached: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + hideToken(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " call interrupted");
        }
        if (status / 100 != 2) {
            throw new IllegalStateException(what + " answered HTTP " + status);
        }
    }

    private String hideToken(String message) {
        String token = settings.getTelegramBotToken();
        return token.isEmpty() ? message : message.replace(token, "***");
    }

    private JsonNode read(NotifyDeliveries.Delivery delivery) {
        try {
            return json.readTree(delivery.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("delivery " + delivery.id() + " has no readable body");
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Telegram message not written");
        }
    }
}
