package io.kamiflow.engine.history;

import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.CachedDbEntity;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityCache;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityState;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;

/**
 * The history rows the current command has not written yet: inserts waiting in its entity cache until the flush. An
 * instance whose own row is one of them started in this command, so every row of it is one of them too.
 */
final class UnwrittenHistory {

    private UnwrittenHistory() {
    }

    /** The current command's entity cache, where its inserts wait for the flush. */
    static DbEntityCache cache() {
        return Context.getCommandContext().getDbEntityManager().getDbEntityCache();
    }

    /** The instance's own history row is still an unwritten insert: the instance started in this command. */
    static boolean startedInThisCommand(DbEntityCache cache, String processInstanceId) {
        CachedDbEntity row = cache.getCachedEntity(HistoricProcessInstanceEventEntity.class, processInstanceId);
        return row != null && row.getEntityState() == DbEntityState.TRANSIENT;
    }
}
