// Minimal Camel JBang launcher: the entry point the JBang script would call (see docs/jbang.md).
public class Camel {
    public static void main(String[] args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
