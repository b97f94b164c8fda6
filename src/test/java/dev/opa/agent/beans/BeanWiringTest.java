package dev.opa.agent.beans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/**
 * The wiring rules of {@code dev.opa.agent.beans}, checked without starting Camel: every bean a route names is
 * bound by one configuration class that application.yaml lists, and every bean parameter finds exactly one bean
 * of its type (Camel injects by type and refuses two candidates).
 */
class BeanWiringTest {

    private static final List<Class<?>> CLASSES = List.of(IngestBeans.class, PipelineBeans.class, StoreBeans.class,
            ApiBeans.class);
    /** How routes name beans: bean steps, Netty handler lists, the circuit breaker, simple's ${bean:...}. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\bref: (\\w+)|#(\\w+)|circuitBreaker: (\\w+)|\\$\\{bean:(\\w+)");

    private static Map<String, Method> boundBeans() {
        Map<String, Method> bound = new TreeMap<>();
        for (Class<?> type : CLASSES) {
            for (Method m : type.getDeclaredMethods()) {
                BindToRegistry bind = m.getAnnotation(BindToRegistry.class);
                if (bind != null) {
                    assertTrue(bind.lazy(), m + " must be lazy: Camel binds eager methods in an order of its own");
                    Method before = bound.put(bind.value(), m);
                    assertTrue(before == null, "bean " + bind.value() + " bound twice: " + before + ", " + m);
                }
            }
        }
        return bound;
    }

    @Test
    void everyBeanTheRoutesNameIsBound() throws IOException {
        Set<String> bound = new TreeSet<>(boundBeans().keySet());
        bound.add(AgentBeans.METRICS_REGISTRY);
        Set<String> referenced = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String code = line.replaceFirst("^\\s*#.*|\\s#\\s.*$", "");
                    Matcher m = REFERENCE.matcher(code);
                    while (m.find()) {
                        for (int g = 1; g <= m.groupCount(); g++) {
                            if (m.group(g) != null) {
                                referenced.add(m.group(g));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(referenced.size() > 20, "the pattern finds the routes' beans: " + referenced);
        referenced.removeAll(bound);
        assertEquals(Set.of(), referenced, "named in routes/ but bound by no class of dev.opa.agent.beans");
    }

    @Test
    void everyBeanParameterHasExactlyOneCandidate() {
        Map<String, Method> bound = boundBeans();
        List<String> problems = new ArrayList<>();
        for (Method m : bound.values()) {
            for (Class<?> parameter : m.getParameterTypes()) {
                if (parameter == CamelContext.class || parameter == PrometheusMeterRegistry.class) {
                    continue; // given by Camel / bound eagerly by AgentBeans
                }
                long candidates = bound.values().stream().filter(b -> parameter.isAssignableFrom(b.getReturnType())).count();
                if (candidates != 1) {
                    problems.add(m.getName() + "(" + parameter.getSimpleName() + "): " + candidates + " candidates");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void applicationYamlListsEveryBeanClassInOrder() throws IOException {
        String yaml = Files.readString(Path.of("application.yaml"));
        Matcher m = Pattern.compile("configuration-classes: (\\S+)").matcher(yaml);
        assertTrue(m.find(), "camel.main.configuration-classes in application.yaml");
        assertEquals(CLASSES.stream().map(Class::getName).toList(), Arrays.asList(m.group(1).split(",")));
    }
}
