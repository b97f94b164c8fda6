package dev.opa.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed EC certificates for TLS tests, made with the JDK's keytool (no network, no extra library):
 * a PKCS12 store per name plus PEM files of its certificate and PKCS#8 key, as an operator would configure.
 */
public final class TestCerts {

    static final char[] PASSWORD = "changeit".toCharArray();

    public final Path p12;
    public final Path certPem;
    public final Path keyPem;

    private TestCerts(Path p12, Path certPem, Path keyPem) {
        this.p12 = p12;
        this.certPem = certPem;
        this.keyPem = keyPem;
    }

    public static TestCerts create(Path dir, String name, String san) {
        try {
            Files.createDirectories(dir);
            Path p12 = dir.resolve(name + ".p12");
            Files.deleteIfExists(p12);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
                    "secp256r1", "-dname", "CN=" + name, "-ext", "san=" + san, "-validity", "2", "-storetype",
                    "PKCS12", "-keystore", p12.toString(), "-storepass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = load(p12);
            Certificate cert = ks.getCertificate(name);
            Path certPem = dir.resolve(name + ".crt.pem");
            Path keyPem = dir.resolve(name + ".key.pem");
            Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyPem, pem("PRIVATE KEY", ks.getKey(name, PASSWORD).getEncoded())); // PKCS#8
            return new TestCerts(p12, certPem, keyPem);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make test certificate " + name, e);
        }
    }

    private static KeyStore load(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A client context presenting {@code client} (null: no certificate) and trusting {@code server}'s certificate. */
    public static SSLContext clientContext(TestCerts client, TestCerts server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", load(server.p12).getCertificate(load(server.p12).aliases().nextElement()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (client != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(client.p12), PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
