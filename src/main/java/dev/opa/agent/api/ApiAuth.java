package dev.opa.agent.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The API keys: the file named by opa.api.keys-file (one key a line: {@code <id> <role> <sha256-hex>}, '#'
 * comments; a file so that not even the hashes reach the startup log), plus the older single opa.api.token as
 * an admin key with id {@code token}. Only SHA-256 hashes are kept; a presented key is hashed and compared with every configured hash in
 * constant time ({@link MessageDigest#isEqual}), so response times tell nothing about the keys. With no key
 * configured the API is open and every caller acts as {@link #OPEN}.
 */
public final class ApiAuth {

    /** What a key may do: read = dashboard and queries, admin = also sampling changes and keep-marks. */
    public enum Role {
        READ, ADMIN;

        public boolean allows(Role needed) {
            return this == ADMIN || needed == READ;
        }
    }

    /** An authenticated caller: the key's id (logged, never the key) and its role. */
    public record Key(String id, Role role) {
    }

    /** The caller when no key is configured. */
    public static final Key OPEN = new Key("-", Role.ADMIN);

    private record Entry(String id, Role role, byte[] sha256) {
    }

    private final List<Entry> entries;

    /**
     * @param legacyToken opa.api.token (plain text, as before): an admin key with id {@code token}
     * @param keysFile    opa.api.keys-file; empty for none
     */
    public ApiAuth(String legacyToken, String keysFile) {
        List<Entry> list = new ArrayList<>();
        String token = legacyToken == null ? "" : legacyToken.strip();
        if (!token.isEmpty()) {
            list.add(new Entry("token", Role.ADMIN, sha256(token)));
        }
        if (keysFile != null && !keysFile.isBlank()) {
            Path file = Path.of(keysFile.strip());
            try {
                list.addAll(parse(Files.readAllLines(file, StandardCharsets.UTF_8), file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the API keys file " + file.toAbsolutePath()
                        + " (change opa.api.keys-file)", e);
            }
        }
        Set<String> ids = new HashSet<>();
        for (Entry e : list) {
            if (!ids.add(e.id())) {
                throw new IllegalArgumentException("opa.api.keys-file: key id '" + e.id() + "' appears twice");
            }
        }
        this.entries = List.copyOf(list);
    }

    public ApiAuth(String legacyToken) {
        this(legacyToken, "");
    }

    public boolean enabled() {
        return !entries.isEmpty();
    }

    public int keyCount() {
        return entries.size();
    }

    /** The key a caller presented, if it is one of ours ({@link #OPEN} when no key is configured). */
    public Optional<Key> authenticate(String presented) {
        if (!enabled()) {
            return Optional.of(OPEN);
        }
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        Entry match = null;
        for (Entry e : entries) { // no early exit: the time does not depend on which entry matched
            if (MessageDigest.isEqual(e.sha256(), hash)) {
                match = e;
            }
        }
        return match == null ? Optional.empty() : Optional.of(new Key(match.id(), match.role()));
    }

    /** The SHA-256 hex of a key, as opa.api.keys-file wants it (same as {@code printf %s "$KEY" | sha256sum}). */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static List<Entry> parse(List<String> lines, Path file) {
        List<Entry> out = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            // the line itself is never echoed: it might hold a key pasted by mistake
            String where = file + " line " + n + " (opa.api.keys-file)";
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + " must be: <id> <role> <sha256-hex>, role read or admin");
            }
            if (!parts[0].matches("[A-Za-z0-9_.@-]{1,64}")) {
                throw new IllegalArgumentException(where + ": the id must be 1-64 of A-Z a-z 0-9 _ . @ -");
            }
            Role role;
            try {
                role = Role.valueOf(parts[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " (id " + parts[0] + "): the role must be read or admin");
            }
            if (!parts[2].matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(where + " (id " + parts[0] + "): the hash must be 64 hex digits,"
                        + " the SHA-256 of the key: printf %s \"$KEY\" | sha256sum");
            }
            out.add(new Entry(parts[0], role, HexFormat.of().parseHex(parts[2].toLowerCase(Locale.ROOT))));
        }
        return out;
    }
}
