package dev.opa.agent.api;

import dev.opa.agent.store.SpanStore;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * The active store's read DataSource (registry bean {@code dataSource}) and the store itself (bean
 * {@code spanStore}, for what only it can decode), looked up at first use: the API's beans exist before them.
 */
public final class RegistryDataSource implements Supplier<DataSource>, CamelContextAware {

    private CamelContext camelContext;
    private volatile DataSource dataSource;
    private volatile SpanStore store;

    /** Looked up in the Camel registry (the routes' bean). */
    public RegistryDataSource() {
    }

    /** A given store (tests, embedding). */
    public RegistryDataSource(SpanStore store) {
        this.store = store;
        this.dataSource = store.readDataSource();
    }

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

    public SpanStore store() {
        SpanStore s = store;
        if (s == null) {
            s = camelContext.getRegistry().lookupByNameAndType("spanStore", SpanStore.class);
            if (s == null) {
                throw new IllegalStateException("no bean 'spanStore' in the registry");
            }
            store = s;
        }
        return s;
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
