package io.kamiflow.notify;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * kamiflow.notify.*: the backoff between delivery attempts, the HTTP timeouts, Telegram's bot, and the SLA after which
 * a waiting task is reported. The bot token is a secret: read here, never shown or logged.
 */
@Component
@ConfigurationProperties("kamiflow.notify")
public class NotifySettings {

    /** The wait after the 1st, 2nd, ... failed attempt; the last repeats until the activity's retries are spent. */
    private List<Duration> retryDelays = List.of(Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10),
            Duration.ofHours(1), Duration.ofHours(6));
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    private String telegramBaseUrl = "https://api.telegram.org";
    private String telegramBotToken = "";
    private String telegramChatId = "";
    /** How long a Tasklist task may wait before it is reported once; per task definition key in {@link #taskSlas}. */
    private Duration taskSla = Duration.ofHours(4);
    private Map<String, Duration> taskSlas = new HashMap<>();

    public Duration retryDelay(int failures) {
        return retryDelays.get(Math.min(Math.max(failures, 1), retryDelays.size()) - 1);
    }

    public Duration slaOf(String taskDefinitionKey) {
        return taskSlas.getOrDefault(taskDefinitionKey, taskSla);
    }

    public Duration shortestSla() {
        return taskSlas.values().stream().reduce(taskSla, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }

    public boolean telegramConfigured() {
        return !telegramBotToken.isBlank() && !telegramChatId.isBlank();
    }

    public List<Duration> getRetryDelays() {
        return retryDelays;
    }

    public void setRetryDelays(List<Duration> retryDelays) {
        if (retryDelays.isEmpty()) {
            throw new IllegalArgumentException("kamiflow.notify.retry-delays needs at least one duration");
        }
        this.retryDelays = List.copyOf(retryDelays);
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public String getTelegramBaseUrl() {
        return telegramBaseUrl;
    }

    public void setTelegramBaseUrl(String telegramBaseUrl) {
        this.telegramBaseUrl = telegramBaseUrl.replaceAll("/+$", "");
    }

    public String getTelegramBotToken() {
        return telegramBotToken;
    }

    public void setTelegramBotToken(String telegramBotToken) {
        this.telegramBotToken = telegramBotToken == null ? "" : telegramBotToken.trim();
    }

    public String getTelegramChatId() {
        return telegramChatId;
    }

    public void setTelegramChatId(String telegramChatId) {
        this.telegramChatId = telegramChatId == null ? "" : telegramChatId.trim();
    }

    public Duration getTaskSla() {
        return taskSla;
    }

    public void setTaskSla(Duration taskSla) {
        this.taskSla = taskSla;
    }

    public Map<String, Duration> getTaskSlas() {
        return taskSlas;
    }

    public void setTaskSlas(Map<String, Duration> taskSlas) {
        this.taskSlas = taskSlas;
    }
}
