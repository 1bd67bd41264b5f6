package io.kamiflow;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class KamiflowApplication {

    public static void main(String[] args) {
        SpringApplication.run(KamiflowApplication.class, args);
    }
}
