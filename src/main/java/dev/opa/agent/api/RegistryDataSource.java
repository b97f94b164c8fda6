package dev.opa.agent.api;

import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/** The active store's read DataSource (registry bean {@code dataSource}), looked up at first use. */
public final class RegistryDataSource implements Supplier<DataSource>, CamelContextAware {

    private CamelContext camelContext;
    private volatile DataSource dataSource;

    @Override
    public DataSource get() {
        DataSource ds = dataSource;
        if (ds == null) {
            ds = camelContext.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
            if (ds == null) {
                throw new IllegalStateException("no bean 'dataSource' in the registry");
            }
            dataSource = ds;
        }
        return ds;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
