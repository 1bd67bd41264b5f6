package io.kamiflow.ops.db;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import org.camunda.bpm.engine.spring.ProcessEngineFactoryBean;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The engine starts its job executor as soon as it exists; its delegates need the domain tables,
 * so Flyway migrates before the engine is built. Both wait for the {@link StartupLock}.
 */
@Configuration(proxyBeanMethods = false)
class EngineAfterMigrations {

    @Bean
    static BeanFactoryPostProcessor processEngineDependsOnFlyway() {
        return factory -> {
            if (!factory.containsBeanDefinition("flywayInitializer")) {
                return;
            }
            for (String name : factory.getBeanNamesForType(ProcessEngineFactoryBean.class, true, false)) {
                String definitionName = name.startsWith("&") ? name.substring(1) : name;
                dependOn(factory, definitionName);
            }
        };
    }

    @Bean(StartupLock.BEAN_NAME)
    StartupLock kamiflowStartupLock(DataSource dataSource) throws java.sql.SQLException {
        return new StartupLock(dataSource);
    }

    @Bean
    static BeanFactoryPostProcessor migrationsAndEngineAfterStartupLock() {
        return StartupLock.migrationsAndEngineAfterLock();
    }

    private static void dependOn(ConfigurableListableBeanFactory factory, String name) {
        BeanDefinition definition = factory.getBeanDefinition(name);
        List<String> dependsOn = new ArrayList<>(definition.getDependsOn() == null ? List.of() : Arrays.asList(definition.getDependsOn()));
        dependsOn.add("flywayInitializer");
        definition.setDependsOn(dependsOn.toArray(String[]::new));
    }
}
