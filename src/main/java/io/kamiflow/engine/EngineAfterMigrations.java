package io.kamiflow.engine;

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

    private static final String FLYWAY = "flywayInitializer";

    @Bean
    static BeanFactoryPostProcessor processEngineDependsOnFlyway() {
        return factory -> {
            if (!factory.containsBeanDefinition(FLYWAY)) {
                return;
            }
            for (String engine : engineDefinitionNames(factory)) {
                dependOn(factory, engine, FLYWAY);
            }
        };
    }

    @Bean(StartupLock.BEAN_NAME)
    StartupLock kamiflowStartupLock(DataSource dataSource) throws java.sql.SQLException {
        return new StartupLock(dataSource);
    }

    /** Flyway and the process engine are built only once this node holds the start-up lock. */
    @Bean
    static BeanFactoryPostProcessor migrationsAndEngineAfterStartupLock() {
        return factory -> {
            if (factory.containsBeanDefinition(FLYWAY)) {
                dependOn(factory, FLYWAY, StartupLock.BEAN_NAME);
            }
            for (String engine : engineDefinitionNames(factory)) {
                dependOn(factory, engine, StartupLock.BEAN_NAME);
            }
        };
    }

    private static List<String> engineDefinitionNames(ConfigurableListableBeanFactory factory) {
        return Arrays.stream(factory.getBeanNamesForType(ProcessEngineFactoryBean.class, true, false))
                .map(name -> name.startsWith("&") ? name.substring(1) : name).toList();
    }

    private static void dependOn(ConfigurableListableBeanFactory factory, String name, String dependency) {
        BeanDefinition definition = factory.getBeanDefinition(name);
        List<String> dependsOn = new ArrayList<>(definition.getDependsOn() == null ? List.of() : Arrays.asList(definition.getDependsOn()));
        dependsOn.add(dependency);
        definition.setDependsOn(dependsOn.toArray(String[]::new));
    }
}
