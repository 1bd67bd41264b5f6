package io.kamiflow.engine.history;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;

/**
 * Writes history through {@link LeanHistoryEventHandler} instead of Camunda's default database handler, and stamps the
 * removal time of an instance that ends in the command that started it without UPDATEs ({@link EndRemovalTimeProducer}).
 */
@Component
class LeanHistoryPlugin extends AbstractProcessEnginePlugin {

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setHistoryEventHandler(new LeanHistoryEventHandler());
        configuration.setHistoryEventProducer(new EndRemovalTimeProducer());
    }
}
