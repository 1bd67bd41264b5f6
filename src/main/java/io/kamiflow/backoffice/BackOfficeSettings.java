package io.kamiflow.backoffice;

import java.time.ZoneId;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** kamiflow.back-office.zone: the shop's time zone, in which the dashboard's days begin and end. */
@ConfigurationProperties("kamiflow.back-office")
record BackOfficeSettings(@DefaultValue("Asia/Shanghai") ZoneId zone) {
}
