import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The project's start-up check: given a WSO2 home, does what the server does at start-up for its three keystore
 * roles, from its own reading of the configuration, so that it can disagree with ei-keystore.
 *
 * It uses nothing of ei-keystore (it is plain JDK 17): its own TOML and JSON readers, its own placeholder
 * resolution ($ref, $env, $sys, $secret), its own picture of each product version. It then opens each keystore
 * with java.security.KeyStore as the server does, recovers each private key, checks the certificate chain
 * belongs to the key, decrypts every [secrets] value with the server's cipher, and completes a TLS handshake on
 * 127.0.0.1 between a server holding the HTTPS listener's keystore and a client trusting only the truststore.
 *
 * Usage: java StartupCheck HOME [--profile ei-7|mi-1.1|mi-1.2|mi-4] [--date YYYY-MM-DD]
 *        java StartupCheck --parse-toml FILE...   (the TOML reader alone, for its own tests)
 * Output: one JSON document on stdout. Exit 0 when the server would start cleanly, 1 when it would not,
 * 2 for a usage error. Passwords and decrypted secrets are never printed.
 *
 * What the product does, and where it was read (wso2/micro-integrator, distribution/src/resources/config-tool/):
 * - templates/conf/carbon.xml.j2 at v1.1.0 and v1.2.0: <KeyStore> is "${carbon.home}/repository/resources/
 *   security/{{keystore.tls.file_name}}" (v1.1.0) or "{{keystore.primary.file_name}}" (v1.2.0): a bare name,
 *   joined to that directory by plain concatenation. <InternalKeyStore> is hard-coded in both: wso2carbon.jks,
 *   JKS, password, alias and key password "wso2carbon"; [keystore.internal] is not read. The cipher tool they
 *   ship (org.wso2.ciphertool 1.1.6 / 1.1.15, wso2/cipher-tool Utils.java: "Use InternalKeyStore if it exists,
 *   else use the Primary keystore") therefore encrypts [secrets] for that hard-coded keystore, and it is the one
 *   this check decrypts them with on those versions.
 * - templates/conf/carbon.xml.j2 at v4.0.0: <KeyStore> is {{keystore.primary.*}}, <InternalKeyStore> is
 *   {{keystore.internal.*}}; file_name is used as the path itself (relative to the home, where the server runs).
 * - default.json at v1.1.0 / v1.2.0 / v4.0.0: the defaults of every key; keystore.tls.* (1.1), keystore.primary.*
 *   (1.2, 4.0), keystore.internal.* = $ref{keystore.primary.*} key by key (4.0 only); the transports' and the
 *   management API's keystores default to the roles by $ref (transport.http.listener.keystore.location, ...).
 * - The config mapper (wso2/carbon-kernel config-parser ReferenceResolver) replaces $sys{} and $env{} first, then
 *   $ref{} anywhere inside a value; an unset variable or an unknown key stops it.
 * - The transports build their KeyManager with KeyManagerFactory.getDefaultAlgorithm() over the whole keystore
 *   and the key password (axis2.xml.j2: <KeyStore> Location, Type, Password, KeyPassword; no alias).
 */
public final class StartupCheck {

    static final String SECURITY_DIR = "repository/resources/security";
    static final String SECRET_CIPHER = "RSA/ECB/OAEPwithSHA1andMGF1Padding";
    static final int MAX_REFERENCE_DEPTH = 32;

    public static void main(String[] args) {
        int code;
        try {
            if (args.length > 0 && args[0].equals("--parse-toml")) {
                code = parseTomlFiles(Arrays.asList(args).subList(1, args.length));
            } else {
                code = new StartupCheck(Options.parse(args)).run();
            }
        } catch (UsageException e) {
            System.err.println("startup-check: " + e.getMessage());
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Options and profiles

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static final class Options {
        Path home;
        Profile profile;
        Date date;
        String dateText;

        static Options parse(String[] args) throws UsageException {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--profile") || arg.equals("--date")) {
                    if (i + 1 >= args.length) throw new UsageException(arg + " needs a value");
                    String value = args[++i];
                    if (arg.equals("--profile")) {
                        options.profile = Profile.byId(value);
                        if (options.profile == null) {
                            throw new UsageException("unknown profile '" + value + "'; use ei-7, mi-1.1, mi-1.2 or mi-4");
                        }
                    } else {
                        try {
                            options.date = Date.from(LocalDate.parse(value).atTime(12, 0).toInstant(ZoneOffset.UTC));
                            options.dateText = value;
                        } catch (RuntimeException e) {
                            throw new UsageException("--date wants YYYY-MM-DD, not '" + value + "'");
                        }
                    }
                } else if (arg.startsWith("--")) {
                    throw new UsageException("unknown option " + arg);
                } else if (options.home == null) {
                    options.home = Paths.get(arg).toAbsolutePath().normalize();
                } else {
                    throw new UsageException("one home only");
                }
            }
            if (options.home == null) throw new UsageException("usage: StartupCheck HOME [--profile P] [--date YYYY-MM-DD]");
            return options;
        }
    }

    enum Profile {
        EI_7("ei-7"), MI_1_1("mi-1.1"), MI_1_2("mi-1.2"), MI_4("mi-4");

        final String id;

        Profile(String id) {
            this.id = id;
        }

        static Profile byId(String id) {
            for (Profile profile : values()) if (profile.id.equals(id)) return profile;
            return null;
        }

        String primaryTable() {
            return this == EI_7 || this == MI_1_1 ? "keystore.tls" : "keystore.primary";
        }

        /** carbon.xml.j2 before 4.0 prefixes "${carbon.home}/repository/resources/security/" to file_name. */
        boolean bareFileNames() {
            return this != MI_4;
        }

        /** Only 4.x templates (and the source document's ei.toml) read [keystore.internal]. */
        boolean internalTableRead() {
            return this == MI_4 || this == EI_7;
        }
    }

    /**
     * The keystore keys of each version's default.json, for a home that has none (the source document's ei.toml
     * layout; or --profile on a home without default.json). Taken from the shipped default.json of v1.1.0,
     * v1.2.0, v4.0.0; ei-7's internal table defaults to its primary, key by key, as the source document says.
     */
    static Map<String, Object> builtInDefaults(Profile profile) {
        Map<String, Object> table = new LinkedHashMap<>();
        String primary = profile.primaryTable();
        String fileName = profile == Profile.MI_4 ? SECURITY_DIR + "/wso2carbon.jks" : "wso2carbon.jks";
        table.put(primary + ".file_name", fileName);
        table.put(primary + ".type", "JKS");
        table.put(primary + ".password", "wso2carbon");
        table.put(primary + ".alias", "wso2carbon");
        table.put(primary + ".key_password", "wso2carbon");
        if (profile.internalTableRead()) {
            for (String key : KEY_ROLE_KEYS) table.put("keystore.internal." + key, "$ref{" + primary + "." + key + "}");
        }
        table.put("truststore.file_name", profile == Profile.MI_4 ? SECURITY_DIR + "/client-truststore.jks" : "client-truststore.jks");
        table.put("truststore.type", "JKS");
        table.put("truststore.password", "wso2carbon");
        return table;
    }

    static final List<String> KEY_ROLE_KEYS = List.of("file_name", "type", "password", "alias", "key_password");
    static final List<String> TRUST_ROLE_KEYS = List.of("file_name", "type", "password");

    /** Families that name a keystore outside the three tables, as the shipped default.json files have them. */
    static final List<String> KNOWN_REFERENCE_FAMILIES = List.of(
            "transport.http.listener.keystore", "transport.http.listener.truststore",
            "transport.http.sender.keystore", "transport.http.sender.truststore",
            "transport.netty.https.sender.keystore", "transport.netty.https.sender.truststore",
            "transport.vfs.listener.keystore",
            "internal_api_ssl_config.key_store", "internal_api_ssl_config.trust_store");

    // ---------------------------------------------------------------------------------------------------------
    // The check

    final Options options;
    final Path home;
    final Map<String, Object> result = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    Profile profile;
    Map<String, Object> configTree;
    Map<String, Object> config;
    Map<String, Object> defaults;
    String defaultsSource;
    Resolver resolver;
    Vault vault;

    StartupCheck(Options options) {
        this.options = options;
        this.home = options.home;
    }

    int run() {
        result.put("home", home.toString());
        try {
            load();
        } catch (CheckException e) {
            problems.add(e.getMessage());
            result.put("error", e.getMessage());
            return finish();
        }
        RoleResult primary = checkKeyRole("primary", primarySpec());
        RoleResult internal = checkKeyRole("internal", internalSpec());
        RoleResult truststore = checkTrustRole(truststoreSpec());
        List<Object> roles = new ArrayList<>();
        roles.add(primary.json);
        roles.add(internal.json);
        roles.add(truststore.json);
        result.put("roles", roles);
        result.put("secrets", checkSecrets(internal));
        result.put("tls", checkTls(primary, truststore));
        result.put("references", checkReferences());
        return finish();
    }

    int finish() {
        result.put("problems", problems);
        result.put("serverStarts", problems.isEmpty());
        System.out.println(Json.write(result));
        return problems.isEmpty() ? 0 : 1;
    }

    void load() throws CheckException {
        Path deployment = home.resolve("conf/deployment.toml");
        Path ei = home.resolve("conf/ei.toml");
        Path configFile = Files.isRegularFile(deployment) ? deployment : Files.isRegularFile(ei) ? ei : null;
        if (configFile == null) throw new CheckException("no configuration: neither conf/deployment.toml nor conf/ei.toml in " + home);
        result.put("config", home.relativize(configFile).toString());
        try {
            configTree = Toml.parse(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (Toml.TomlException e) {
            throw new CheckException(home.relativize(configFile) + ": " + e.getMessage());
        } catch (IOException e) {
            throw new CheckException(home.relativize(configFile) + " cannot be read: " + describe(e));
        }
        config = Toml.flatten(configTree);

        Path defaultJson = home.resolve("repository/resources/conf/default.json");
        Profile detected = null;
        if (Files.isRegularFile(defaultJson)) {
            try {
                Object parsed = Json.parse(Files.readString(defaultJson, StandardCharsets.UTF_8));
                if (!(parsed instanceof Map)) throw new CheckException("repository/resources/conf/default.json is not a JSON object");
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) parsed;
                defaults = map;
            } catch (Json.JsonException e) {
                throw new CheckException("repository/resources/conf/default.json: " + e.getMessage());
            } catch (IOException e) {
                throw new CheckException("repository/resources/conf/default.json cannot be read: " + describe(e));
            }
            defaultsSource = "default.json";
            detected = profileFromDefaults(defaults);
            if (detected == null && options.profile == null) {
                throw new CheckException("repository/resources/conf/default.json names no keystore table (keystore.internal, keystore.primary or keystore.tls); pass --profile");
            }
        } else if (configFile.equals(ei)) {
            detected = Profile.EI_7;
        }
        if (options.profile != null) {
            profile = options.profile;
            result.put("profileFrom", "--profile");
        } else if (detected != null) {
            profile = detected;
            result.put("profileFrom", defaults != null ? "default.json" : "conf/ei.toml without default.json");
        } else {
            throw new CheckException("conf/deployment.toml without repository/resources/conf/default.json: the version cannot be told; pass --profile");
        }
        if (defaults == null) {
            defaults = builtInDefaults(profile);
            defaultsSource = "built-in " + profile.id + " table";
        }
        result.put("profile", profile.id);
        result.put("defaults", defaultsSource);
        if (options.dateText != null) result.put("date", options.dateText);
        resolver = new Resolver();
        vault = new Vault();
    }

    /** MI 4.x's default.json has keystore.internal.*; 1.2 has keystore.primary.* only; 1.1 has keystore.tls.*. */
    static Profile profileFromDefaults(Map<String, Object> defaults) {
        boolean internal = false, primary = false, tls = false;
        for (String key : defaults.keySet()) {
            if (key.startsWith("keystore.internal.")) internal = true;
            else if (key.startsWith("keystore.primary.")) primary = true;
            else if (key.startsWith("keystore.tls.")) tls = true;
        }
        if (internal) return Profile.MI_4;
        if (primary) return Profile.MI_1_2;
        if (tls) return Profile.MI_1_1;
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Roles

    /** Everything needed to open one keystore as the server would, or why it cannot be known. */
    static final class StoreSpec {
        String table;
        String file;
        String type;
        String alias;
        String storePassword;
        String keyPassword;
        final Map<String, String> origins = new LinkedHashMap<>();
        String error;
    }

    StoreSpec primarySpec() {
        return tableSpec(profile.primaryTable(), true, profile.bareFileNames());
    }

    StoreSpec internalSpec() {
        if (profile.internalTableRead()) return tableSpec("keystore.internal", true, profile.bareFileNames());
        // carbon.xml.j2 v1.1.0 / v1.2.0 lines 364-375: the internal keystore is written into the template.
        StoreSpec spec = new StoreSpec();
        spec.table = "carbon.xml <InternalKeyStore> (hard-coded in " + profile.id + ")";
        spec.file = home.toString() + "/" + SECURITY_DIR + "/wso2carbon.jks";
        spec.type = "JKS";
        spec.alias = "wso2carbon";
        spec.storePassword = "wso2carbon";
        spec.keyPassword = "wso2carbon";
        for (String key : KEY_ROLE_KEYS) spec.origins.put(key, "carbon.xml template (hard-coded)");
        return spec;
    }

    StoreSpec truststoreSpec() {
        return tableSpec("truststore", false, profile.bareFileNames());
    }

    StoreSpec tableSpec(String table, boolean wantsKey, boolean bareFileName) {
        StoreSpec spec = new StoreSpec();
        spec.table = table;
        List<String> keys = wantsKey ? KEY_ROLE_KEYS : TRUST_ROLE_KEYS;
        for (String key : keys) {
            String full = table + "." + key;
            spec.origins.put(key, resolver.origin(full));
            String value;
            try {
                value = resolver.value(full);
            } catch (CheckException e) {
                if (spec.error == null) spec.error = e.getMessage();
                continue;
            }
            switch (key) {
                case "file_name": spec.file = bareFileName ? bareLocation(value) : location(value); break;
                case "type": spec.type = value; break;
                case "password": spec.storePassword = value; break;
                case "alias": spec.alias = value; break;
                case "key_password": spec.keyPassword = value; break;
                default: break;
            }
        }
        return spec;
    }

    /** "${carbon.home}/repository/resources/security/{{file_name}}": concatenation, whatever the name holds. */
    String bareLocation(String fileName) {
        return home.toString() + "/" + SECURITY_DIR + "/" + fileName;
    }

    /** A path as the 4.x server uses it: ${carbon.home} expanded, relative to the home it runs in. */
    String location(String value) {
        String expanded = value.replace("${carbon.home}", home.toString());
        Path path = Paths.get(expanded);
        return (path.isAbsolute() ? path : home.resolve(path)).normalize().toString();
    }

    static final class RoleResult {
        final Map<String, Object> json = new LinkedHashMap<>();
        KeyStore store;
        PrivateKey privateKey;
        StoreSpec spec;
        boolean ok;
    }

    RoleResult checkKeyRole(String role, StoreSpec spec) {
        RoleResult result = new RoleResult();
        result.spec = spec;
        Map<String, Object> json = result.json;
        json.put("role", role);
        json.put("table", spec.table);
        json.put("file", spec.file);
        json.put("type", spec.type);
        json.put("format", spec.file == null ? null : formatOf(spec.file));
        json.put("alias", spec.alias);
        json.put("storeOpens", false);
        json.put("keyOpens", false);
        json.put("chainMatchesKey", false);
        json.put("keyAlgorithm", null);
        json.put("error", null);
        json.put("origins", spec.origins);
        if (spec.error != null) return fail(result, role, spec.error);
        try {
            result.store = openStore(spec.file, spec.type, spec.storePassword);
        } catch (Exception e) {
            return fail(result, role, describe(e));
        }
        json.put("storeOpens", true);
        Key key;
        try {
            key = result.store.getKey(spec.alias, spec.keyPassword.toCharArray());
        } catch (Exception e) {
            return fail(result, role, describe(e));
        }
        if (key == null) return fail(result, role, "no entry with alias '" + spec.alias + "'");
        if (!(key instanceof PrivateKey)) return fail(result, role, "entry '" + spec.alias + "' is not a private key entry");
        result.privateKey = (PrivateKey) key;
        json.put("keyOpens", true);
        json.put("keyAlgorithm", key.getAlgorithm());
        try {
            Certificate[] chain = result.store.getCertificateChain(spec.alias);
            if (chain == null || chain.length == 0) return fail(result, role, "entry '" + spec.alias + "' has no certificate chain");
            if (!keyMatches(result.privateKey, chain[0].getPublicKey())) {
                return fail(result, role, "the certificate of '" + spec.alias + "' is not the private key's");
            }
        } catch (Exception e) {
            return fail(result, role, describe(e));
        }
        json.put("chainMatchesKey", true);
        result.ok = true;
        return result;
    }

    RoleResult checkTrustRole(StoreSpec spec) {
        RoleResult result = new RoleResult();
        result.spec = spec;
        Map<String, Object> json = result.json;
        json.put("role", "truststore");
        json.put("table", spec.table);
        json.put("file", spec.file);
        json.put("type", spec.type);
        json.put("format", spec.file == null ? null : formatOf(spec.file));
        json.put("storeOpens", false);
        json.put("trustedCertificates", 0);
        json.put("error", null);
        json.put("origins", spec.origins);
        if (spec.error != null) return fail(result, "truststore", spec.error);
        try {
            result.store = openStore(spec.file, spec.type, spec.storePassword);
            json.put("storeOpens", true);
            json.put("trustedCertificates", trustedCertificates(result.store).size());
        } catch (Exception e) {
            return fail(result, "truststore", describe(e));
        }
        result.ok = true;
        return result;
    }

    RoleResult fail(RoleResult result, String role, String error) {
        result.json.put("error", error);
        problems.add(role + ": " + error);
        return result;
    }

    /** As the server does: KeyStore.getInstance(configured type), load with the password (JDK 17 keystore.type.compat applies). */
    static KeyStore openStore(String file, String type, String password) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Paths.get(file))) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /**
     * What the JDK's TrustManagerFactory takes from a truststore (sun.security.validator.TrustStoreUtil): each
     * certificate entry, and the first certificate of each key entry.
     */
    static List<Certificate> trustedCertificates(KeyStore store) throws Exception {
        List<Certificate> certificates = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isCertificateEntry(alias)) {
                certificates.add(store.getCertificate(alias));
            } else if (store.isKeyEntry(alias)) {
                Certificate[] chain = store.getCertificateChain(alias);
                if (chain != null && chain.length > 0) certificates.add(chain[0]);
            }
        }
        return certificates;
    }

    /** A signature made with the private key verifies with the certificate's public key. */
    static boolean keyMatches(PrivateKey privateKey, PublicKey publicKey) throws Exception {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) return false;
        String algorithm;
        switch (privateKey.getAlgorithm()) {
            case "RSA": algorithm = "SHA256withRSA"; break;
            case "EC": algorithm = "SHA256withECDSA"; break;
            case "DSA": algorithm = "SHA256withDSA"; break;
            case "RSASSA-PSS": algorithm = "RSASSA-PSS"; break;
            default: algorithm = privateKey.getAlgorithm(); break; // EdDSA, Ed25519, Ed448
        }
        byte[] challenge = "ei-keystore start-up check".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        signer.initSign(privateKey);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        verifier.initVerify(publicKey);
        verifier.update(challenge);
        return verifier.verify(signature);
    }

    /** The bytes' format, for the reader of the report: JKS FEEDFEED, JCEKS CECECECE, PKCS#12 DER SEQUENCE. */
    static String formatOf(String file) {
        try (InputStream in = Files.newInputStream(Paths.get(file))) {
            byte[] head = in.readNBytes(4);
            if (head.length < 4) return "unknown";
            int magic = ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
            if (magic == 0xfeedfeed) return "JKS";
            if (magic == 0xcececece) return "JCEKS";
            if ((head[0] & 0xff) == 0x30) return "PKCS12";
            return "unknown";
        } catch (IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // [secrets]

    /** Every [secrets] value the cipher tool has encrypted, decrypted as the server's secure vault does. */
    List<Object> checkSecrets(RoleResult internal) {
        List<Object> out = new ArrayList<>();
        Object table = configTree.get("secrets");
        if (!(table instanceof Map)) return out;
        @SuppressWarnings("unchecked")
        Map<String, Object> secrets = (Map<String, Object>) table;
        for (Map.Entry<String, Object> entry : secrets.entrySet()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("alias", entry.getKey());
            out.add(json);
            Object value = entry.getValue();
            boolean plaintext = value instanceof String && ((String) value).length() >= 2
                    && ((String) value).startsWith("[") && ((String) value).endsWith("]");
            json.put("plaintext", plaintext);
            json.put("decrypts", plaintext ? null : false);
            json.put("error", null);
            if (plaintext) continue;
            String error;
            if (!(value instanceof String)) {
                error = "the value is not a string";
            } else if (internal.privateKey == null) {
                error = "the internal key cannot be opened: " + internal.json.get("error");
            } else {
                try {
                    decryptSecret(internal.privateKey, (String) value);
                    json.put("decrypts", true);
                    continue;
                } catch (Exception e) {
                    error = describe(e);
                }
            }
            json.put("error", error);
            problems.add("secret " + entry.getKey() + ": " + error);
        }
        return out;
    }

    static byte[] decryptSecret(PrivateKey key, String base64) throws Exception {
        byte[] cipherText = Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
        Cipher cipher = Cipher.getInstance(SECRET_CIPHER);
        cipher.init(Cipher.DECRYPT_MODE, key);
        return cipher.doFinal(cipherText);
    }

    // ---------------------------------------------------------------------------------------------------------
    // TLS

    /**
     * A handshake on 127.0.0.1: the server side holds the HTTPS listener's keystore (the primary, unless
     * transport.http.listener.keystore.* says otherwise), the client trusts only the certificates of the
     * listener's truststore, validated at --date when given.
     */
    Map<String, Object> checkTls(RoleResult primary, RoleResult truststore) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", false);
        json.put("keystore", null);
        json.put("truststore", null);
        json.put("error", null);
        KeyStore serverStore;
        String keyPassword;
        KeyStore trustStore;
        try {
            StoreSpec listener = familySpec("transport.http.listener.keystore", true);
            if (listener == null) {
                if (primary.store == null) return tlsFail(json, "the primary keystore does not open");
                serverStore = primary.store;
                keyPassword = primary.spec.keyPassword;
                json.put("keystore", primary.spec.file);
            } else {
                if (listener.error != null) return tlsFail(json, "transport.http.listener.keystore: " + listener.error);
                json.put("keystore", listener.file);
                serverStore = openStore(listener.file, listener.type, listener.storePassword);
                keyPassword = listener.keyPassword;
            }
            StoreSpec listenerTrust = familySpec("transport.http.listener.truststore", false);
            if (listenerTrust == null) {
                if (truststore.store == null) return tlsFail(json, "the truststore does not open");
                trustStore = truststore.store;
                json.put("truststore", truststore.spec.file);
            } else {
                if (listenerTrust.error != null) return tlsFail(json, "transport.http.listener.truststore: " + listenerTrust.error);
                json.put("truststore", listenerTrust.file);
                trustStore = openStore(listenerTrust.file, listenerTrust.type, listenerTrust.storePassword);
            }
        } catch (Exception e) {
            return tlsFail(json, describe(e));
        }
        try {
            handshake(serverStore, keyPassword, trustStore, options.date);
        } catch (Exception e) {
            return tlsFail(json, describe(e));
        }
        json.put("ok", true);
        return json;
    }

    Map<String, Object> tlsFail(Map<String, Object> json, String error) {
        json.put("error", error);
        problems.add("tls: " + error);
        return json;
    }

    static void handshake(KeyStore serverStore, String keyPassword, KeyStore trustStore, Date date) throws Exception {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(serverStore, keyPassword.toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);

        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        int n = 0;
        for (Certificate certificate : trustedCertificates(trustStore)) anchors.setCertificateEntry("trusted-" + n++, certificate);
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
        parameters.setRevocationEnabled(false);
        if (date != null) parameters.setDate(date);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(new CertPathTrustManagerParameters(parameters));
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);

        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
            server.setSoTimeout(20_000);
            AtomicReference<Exception> serverError = new AtomicReference<>();
            Thread serverSide = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(20_000);
                    socket.startHandshake();
                    // Wait for the client's close, so the client sees the complete handshake, not a reset.
                    socket.getInputStream().read();
                } catch (Exception e) {
                    serverError.set(e);
                }
            });
            serverSide.setDaemon(true);
            serverSide.start();
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket(loopback, server.getLocalPort())) {
                client.setSoTimeout(20_000);
                client.startHandshake();
            } catch (Exception e) {
                serverSide.join(20_000);
                // The server side's own failure (no usable key, say) is reported beside the client's alert.
                Exception other = serverError.get();
                if (other != null) e.addSuppressed(other);
                throw e;
            }
            serverSide.join(20_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Other keystores the configuration names

    /**
     * The families of keys the server reads as a keystore or truststore besides the three tables: those whose
     * default.json value refers to a role, and the known ones. Only families the configuration sets explicitly
     * are reported (the others are the roles themselves, checked above).
     */
    List<Object> checkReferences() {
        Set<String> families = new LinkedHashSet<>();
        for (Map.Entry<String, Object> entry : defaults.entrySet()) {
            if (!(entry.getValue() instanceof String)) continue;
            String value = (String) entry.getValue();
            int dot = entry.getKey().lastIndexOf('.');
            if (dot < 0) continue;
            String family = entry.getKey().substring(0, dot);
            if (family.startsWith("keystore.") || family.equals("truststore")) continue;
            if (value.contains("$ref{keystore.") || value.contains("$ref{truststore.")) families.add(family);
        }
        families.addAll(KNOWN_REFERENCE_FAMILIES);
        List<Object> out = new ArrayList<>();
        for (String family : families) {
            List<String> explicit = new ArrayList<>();
            for (String key : config.keySet()) if (key.startsWith(family + ".")) explicit.add(key);
            if (explicit.isEmpty()) continue;
            boolean trust = family.endsWith("truststore") || family.endsWith("trust_store");
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("family", family);
            json.put("kind", trust ? "truststore" : "keystore");
            json.put("explicitKeys", explicit);
            StoreSpec spec = familySpec(family, !trust);
            json.put("file", spec.file);
            json.put("type", spec.type);
            json.put("storeOpens", false);
            if (trust) json.put("trustedCertificates", 0);
            else json.put("keyOpens", false);
            json.put("error", null);
            json.put("origins", spec.origins);
            out.add(json);
            if (spec.error != null) {
                referenceFail(json, family, spec.error);
                continue;
            }
            try {
                KeyStore store = openStore(spec.file, spec.type, spec.storePassword);
                json.put("storeOpens", true);
                if (trust) {
                    json.put("trustedCertificates", trustedCertificates(store).size());
                } else if (spec.alias != null) {
                    Key key = store.getKey(spec.alias, spec.keyPassword.toCharArray());
                    if (!(key instanceof PrivateKey)) throw new CheckException("no private key entry '" + spec.alias + "'");
                    json.put("keyOpens", true);
                } else {
                    // What the transports do: one KeyManager over every key of the store, with the key password.
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).init(store, spec.keyPassword.toCharArray());
                    json.put("keyOpens", true);
                }
            } catch (Exception e) {
                referenceFail(json, family, describe(e));
            }
        }
        return out;
    }

    void referenceFail(Map<String, Object> json, String family, String error) {
        json.put("error", error);
        problems.add(family + ": " + error);
    }

    /**
     * One family's keystore as the server reads it (location or file_name, type, password, key_password, alias),
     * or null when neither the configuration nor the defaults know the family.
     */
    StoreSpec familySpec(String family, boolean wantsKey) {
        boolean known = false;
        for (String key : defaults.keySet()) if (key.startsWith(family + ".")) known = true;
        for (String key : config.keySet()) if (key.startsWith(family + ".")) known = true;
        if (!known) return null;
        StoreSpec spec = new StoreSpec();
        spec.table = family;
        String locationKey = resolver.has(family + ".location") ? "location" : "file_name";
        List<String> keys = new ArrayList<>(List.of(locationKey, "type", "password"));
        if (wantsKey) keys.add("key_password");
        if (wantsKey && resolver.has(family + ".alias")) keys.add("alias");
        for (String key : keys) {
            String full = family + "." + key;
            spec.origins.put(key, resolver.origin(full));
            String value;
            try {
                value = resolver.value(full);
            } catch (CheckException e) {
                if (spec.error == null) spec.error = e.getMessage();
                continue;
            }
            switch (key) {
                case "location":
                case "file_name": spec.file = location(value); break;
                case "type": spec.type = value; break;
                case "password": spec.storePassword = value; break;
                case "key_password": spec.keyPassword = value; break;
                case "alias": spec.alias = value; break;
                default: break;
            }
        }
        return spec;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Values: the configuration over the defaults, placeholders resolved as the config mapper and vault do

    static final class CheckException extends Exception {
        CheckException(String message) {
            super(message);
        }
    }

    static final Pattern PLACEHOLDER = Pattern.compile("\\$(ref|env|sys)\\{([^}]*)\\}");
    static final Pattern SECRET = Pattern.compile("\\$secret\\{([^}]*)\\}");

    final class Resolver {

        boolean has(String key) {
            return config.containsKey(key) || defaults.containsKey(key);
        }

        Object raw(String key) {
            return config.containsKey(key) ? config.get(key) : defaults.get(key);
        }

        /** Where a value comes from, and through which references; never the value itself (it may be a password). */
        String origin(String key) {
            return origin(key, new ArrayDeque<>());
        }

        private String origin(String key, Deque<String> path) {
            String source = config.containsKey(key) ? "config" : defaults.containsKey(key) ? defaultsSource : "nowhere";
            Object raw = raw(key);
            if (!(raw instanceof String) || path.contains(key) || path.size() > MAX_REFERENCE_DEPTH) return source;
            StringBuilder out = new StringBuilder(source);
            Matcher matcher = PLACEHOLDER.matcher((String) raw);
            path.push(key);
            while (matcher.find()) {
                String kind = matcher.group(1);
                String name = matcher.group(2);
                out.append(" -> $").append(kind).append('{').append(name).append('}');
                if (kind.equals("ref")) out.append(" (").append(origin(name, path)).append(')');
            }
            path.pop();
            Matcher secret = SECRET.matcher((String) raw);
            if (secret.find()) out.append(" -> $secret{").append(secret.group(1)).append('}');
            return out.toString();
        }

        String value(String key) throws CheckException {
            return value(key, new ArrayDeque<>());
        }

        private String value(String key, Deque<String> path) throws CheckException {
            if (path.contains(key)) throw new CheckException("$ref cycle: " + String.join(" -> ", reversed(path)) + " -> " + key);
            if (path.size() >= MAX_REFERENCE_DEPTH) throw new CheckException("$ref chain deeper than " + MAX_REFERENCE_DEPTH + " at " + key);
            if (!has(key)) {
                throw new CheckException(path.isEmpty()
                        ? key + " is set neither in the configuration nor in " + defaultsSource
                        : "$ref{" + key + "} (from " + path.peek() + ") names a key set neither in the configuration nor in " + defaultsSource);
            }
            Object raw = raw(key);
            if (!(raw instanceof String || raw instanceof Boolean || raw instanceof Long || raw instanceof Double)) {
                throw new CheckException(key + " is not a single value");
            }
            path.push(key);
            String value = expand(String.valueOf(raw), path);
            path.pop();
            if (path.isEmpty()) {
                Matcher secret = SECRET.matcher(value);
                if (secret.matches()) return vault.secret(secret.group(1), key);
                if (secret.find()) throw new CheckException(key + ": $secret{} must be the whole value");
            }
            return value;
        }

        /** $sys{} and $env{} first, then $ref{}, anywhere in the value (config-parser ReferenceResolver's order). */
        private String expand(String value, Deque<String> path) throws CheckException {
            String current = path.peek();
            value = substitute(value, "sys", name -> {
                if (name.equals("carbon.home")) return home.toString();
                String property = System.getProperty(name);
                if (property == null) throw new CheckException(current + ": system property " + name + " is not set");
                return property;
            });
            value = substitute(value, "env", name -> {
                String variable = System.getenv(name);
                if (variable == null) throw new CheckException(current + ": environment variable " + name + " is not set");
                return variable;
            });
            value = substitute(value, "ref", name -> value(name, path));
            return value;
        }

        private String substitute(String value, String kind, Lookup lookup) throws CheckException {
            Matcher matcher = PLACEHOLDER.matcher(value);
            StringBuilder out = new StringBuilder();
            int last = 0;
            while (matcher.find()) {
                if (!matcher.group(1).equals(kind)) continue;
                out.append(value, last, matcher.start()).append(lookup.find(matcher.group(2)));
                last = matcher.end();
            }
            return out.append(value.substring(last)).toString();
        }
    }

    interface Lookup {
        String find(String name) throws CheckException;
    }

    static List<String> reversed(Deque<String> path) {
        List<String> list = new ArrayList<>(path);
        Collections.reverse(list);
        return list;
    }

    /**
     * The secure vault: a $secret{alias} value is [secrets].alias decrypted with the internal key, whose passwords
     * password the server reads from <home>/password, else <home>/password-tmp, else <home>/password-persist
     * (DefaultSecretCallbackHandler: line 1, for the store AND the key; line 2 only under -Dkey.password=true, which a
     * default start does not set), else prompts for on the console, which a check cannot answer.
     */
    final class Vault {
        private PrivateKey key;
        private String error;
        private boolean opening;

        String secret(String alias, String usedBy) throws CheckException {
            Object table = configTree.get("secrets");
            Object value = table instanceof Map ? ((Map<?, ?>) table).get(alias) : null;
            if (!(value instanceof String)) throw new CheckException(usedBy + " is $secret{" + alias + "}, and [secrets] has no '" + alias + "'");
            String text = (String) value;
            if (text.startsWith("[") && text.endsWith("]")) {
                throw new CheckException(usedBy + " is $secret{" + alias + "}, and [secrets] " + alias + " is still in [plaintext] brackets");
            }
            PrivateKey privateKey = key(usedBy);
            try {
                return new String(decryptSecret(privateKey, text), StandardCharsets.UTF_8);
            } catch (Exception e) {
                throw new CheckException(usedBy + " is $secret{" + alias + "}, which does not decrypt: " + describe(e));
            }
        }

        private PrivateKey key(String usedBy) throws CheckException {
            if (key != null) return key;
            if (error != null) throw new CheckException(usedBy + " needs the secure vault: " + error);
            if (opening) throw new CheckException(usedBy + " is needed to open the secure vault's own keystore");
            opening = true;
            try {
                String[] passwords = vaultPasswords();
                StoreSpec internal = internalLocation();
                KeyStore store = openStore(internal.file, internal.type, passwords[0]);
                Key found = store.getKey(internal.alias, passwords[0].toCharArray());
                if (!(found instanceof PrivateKey)) throw new CheckException("the internal keystore has no private key '" + internal.alias + "'");
                key = (PrivateKey) found;
                return key;
            } catch (CheckException e) {
                error = e.getMessage();
            } catch (Exception e) {
                error = "the internal keystore does not open with the password file's passwords: " + describe(e);
            } finally {
                opening = false;
            }
            throw new CheckException(usedBy + " needs the secure vault: " + error);
        }

        private String[] vaultPasswords() throws CheckException {
            for (String name : List.of("password", "password-tmp", "password-persist")) {
                Path file = home.resolve(name);
                if (!Files.isRegularFile(file)) continue;
                try {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    if (lines.isEmpty()) throw new CheckException(name + " is empty");
                    return new String[] {stripCr(lines.get(0))};
                } catch (IOException e) {
                    throw new CheckException(name + " cannot be read: " + describe(e));
                }
            }
            throw new CheckException("none of password, password-tmp, password-persist is in the home, so the server would prompt for the internal keystore's password");
        }

        /** The internal keystore's file, type and alias (its passwords come from the password file). */
        private StoreSpec internalLocation() throws CheckException {
            StoreSpec spec = internalSpec();
            if (spec.file == null || spec.type == null || spec.alias == null) {
                throw new CheckException("the internal keystore's location cannot be resolved: " + spec.error);
            }
            return spec;
        }
    }

    static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Java's own words for a failure: the exception class and message, and its cause's. */
    static String describe(Throwable error) {
        StringBuilder out = new StringBuilder(error.getClass().getName());
        if (error.getMessage() != null) out.append(": ").append(error.getMessage());
        Throwable cause = error.getCause();
        if (cause != null && cause != error) {
            out.append(" (caused by ").append(cause.getClass().getName());
            if (cause.getMessage() != null) out.append(": ").append(cause.getMessage());
            out.append(')');
        }
        for (Throwable suppressed : error.getSuppressed()) {
            out.append("; server side: ").append(suppressed.getClass().getName());
            if (suppressed.getMessage() != null) out.append(": ").append(suppressed.getMessage());
        }
        if (error instanceof CertPathValidatorException && ((CertPathValidatorException) error).getReason() != null) {
            out.append(" [").append(((CertPathValidatorException) error).getReason()).append(']');
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // --parse-toml: the reader alone, so its tests can hold it against the TOML corpus

    static int parseTomlFiles(List<String> files) {
        List<Object> out = new ArrayList<>();
        for (String file : files) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("file", file);
            try {
                Map<String, Object> tree = Toml.parse(Files.readString(Paths.get(file), StandardCharsets.UTF_8));
                json.put("ok", true);
                json.put("tree", Toml.tagged(tree));
                Map<String, Object> flat = new LinkedHashMap<>();
                for (Map.Entry<String, Object> entry : Toml.flatten(tree).entrySet()) flat.put(entry.getKey(), Toml.tagged(entry.getValue()));
                json.put("flat", flat);
            } catch (Toml.TomlException e) {
                json.put("ok", false);
                json.put("error", e.getMessage());
            } catch (IOException | RuntimeException e) {
                json.put("ok", false);
                json.put("error", describe(e));
            }
            out.add(json);
        }
        System.out.println(Json.write(out));
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // A small TOML reader for TOML 1.0, the version the config mapper's parser (tomlj / cava-toml) reads: TOML
    // 1.1's \e and \x escapes and times without seconds are refused, as TOML 1.0 refuses them

    static final class Toml {

        static final class TomlException extends Exception {
            TomlException(String message) {
                super(message);
            }
        }

        /** A date or time, kept as written: nothing here reads one, but a file may hold them. */
        static final class DateTime {
            final String text;

            DateTime(String text) {
                this.text = text;
            }

            @Override
            public String toString() {
                return text;
            }
        }

        private final String s;
        private int p;
        private int line = 1;
        private final Map<String, Object> root = new LinkedHashMap<>();
        /** Tables made by a [header] or by assigning dotted keys; neither may be opened again by a header. */
        private final Set<Map<String, Object>> defined = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        /** Tables made by dotted keys inside another table's body: closed to headers. */
        private final Set<Map<String, Object>> dottedDefined = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        /** Inline tables and static arrays: nothing may add to them. */
        private final Set<Object> frozen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        /** Arrays of tables made by [[header]]: the only arrays a header may extend. */
        private final Set<Object> tableArrays = Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        private Toml(String text) {
            this.s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        }

        static Map<String, Object> parse(String text) throws TomlException {
            Toml toml = new Toml(text);
            toml.document();
            return toml.root;
        }

        private TomlException error(String message) {
            return new TomlException("line " + line + ": " + message);
        }

        private boolean atEnd() {
            return p >= s.length();
        }

        private char peek() {
            return p < s.length() ? s.charAt(p) : '\0';
        }

        private boolean startsWith(String token) {
            return s.startsWith(token, p);
        }

        private void skipSpaces() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) p++;
        }

        private void skipComment() throws TomlException {
            if (peek() != '#') return;
            while (!atEnd() && peek() != '\n' && !(peek() == '\r' && p + 1 < s.length() && s.charAt(p + 1) == '\n')) {
                char c = peek();
                if ((c < 0x20 && c != '\t') || c == 0x7f) throw error("control character in a comment");
                p++;
            }
        }

        /** Whitespace, newlines and comments, as between array elements. */
        private void skipBlank() throws TomlException {
            while (!atEnd()) {
                skipSpaces();
                skipComment();
                if (!newline()) return;
            }
        }

        private boolean newline() {
            if (peek() == '\n') {
                p++;
                line++;
                return true;
            }
            if (peek() == '\r' && p + 1 < s.length() && s.charAt(p + 1) == '\n') {
                p += 2;
                line++;
                return true;
            }
            return false;
        }

        private void endOfLine() throws TomlException {
            skipSpaces();
            skipComment();
            if (atEnd()) return;
            if (!newline()) throw error("unexpected '" + peek() + "' after a value");
        }

        private void document() throws TomlException {
            Map<String, Object> current = root;
            while (true) {
                skipBlank();
                if (atEnd()) return;
                if (startsWith("[[")) {
                    p += 2;
                    skipSpaces();
                    List<String> key = key();
                    skipSpaces();
                    if (!startsWith("]]")) throw error("expected ']]'");
                    p += 2;
                    current = arrayTable(key);
                    endOfLine();
                } else if (peek() == '[') {
                    p++;
                    skipSpaces();
                    List<String> key = key();
                    skipSpaces();
                    if (peek() != ']') throw error("expected ']'");
                    p++;
                    current = table(key);
                    endOfLine();
                } else {
                    keyValue(current, true);
                    endOfLine();
                }
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> descend(Map<String, Object> table, String part, boolean viaHeader) throws TomlException {
            Object next = table.get(part);
            if (next == null) {
                Map<String, Object> created = new LinkedHashMap<>();
                table.put(part, created);
                return created;
            }
            if (next instanceof List && tableArrays.contains(next) && viaHeader) {
                List<Object> list = (List<Object>) next;
                return (Map<String, Object>) list.get(list.size() - 1);
            }
            if (!(next instanceof Map) || frozen.contains(next)) throw error("'" + part + "' is already a value");
            return (Map<String, Object>) next;
        }

        private Map<String, Object> table(List<String> key) throws TomlException {
            Map<String, Object> table = root;
            for (int i = 0; i < key.size() - 1; i++) table = descend(table, key.get(i), true);
            String last = key.get(key.size() - 1);
            Object existing = table.get(last);
            Map<String, Object> target;
            if (existing == null) {
                target = new LinkedHashMap<>();
                table.put(last, target);
            } else if (existing instanceof Map && !frozen.contains(existing) && !defined.contains(existing) && !dottedDefined.contains(existing)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) existing;
                target = map;
            } else {
                throw error("table [" + String.join(".", key) + "] is defined twice");
            }
            defined.add(target);
            return target;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> arrayTable(List<String> key) throws TomlException {
            Map<String, Object> table = root;
            for (int i = 0; i < key.size() - 1; i++) table = descend(table, key.get(i), true);
            String last = key.get(key.size() - 1);
            Object existing = table.get(last);
            List<Object> list;
            if (existing == null) {
                list = new ArrayList<>();
                tableArrays.add(list);
                table.put(last, list);
            } else if (existing instanceof List && tableArrays.contains(existing)) {
                list = (List<Object>) existing;
            } else {
                throw error("[[" + String.join(".", key) + "]] names something that is not an array of tables");
            }
            Map<String, Object> element = new LinkedHashMap<>();
            list.add(element);
            return element;
        }

        private void keyValue(Map<String, Object> table, boolean topLevel) throws TomlException {
            List<String> key = key();
            skipSpaces();
            if (peek() != '=') throw error("expected '=' after key " + String.join(".", key));
            p++;
            skipSpaces();
            Map<String, Object> target = table;
            for (int i = 0; i < key.size() - 1; i++) {
                Object existing = target.get(key.get(i));
                if (existing != null && (defined.contains(existing) || tableArrays.contains(existing))) {
                    throw error("dotted key " + String.join(".", key) + " reopens a table");
                }
                target = descend(target, key.get(i), false);
                dottedDefined.add(target);
            }
            String last = key.get(key.size() - 1);
            if (target.containsKey(last)) throw error("key " + String.join(".", key) + " is defined twice");
            if (atEnd() || peek() == '\n' || peek() == '\r' || peek() == '#') throw error("key " + String.join(".", key) + " has no value");
            target.put(last, value());
        }

        private List<String> key() throws TomlException {
            List<String> parts = new ArrayList<>();
            while (true) {
                skipSpaces();
                char c = peek();
                if (c == '"') {
                    if (startsWith("\"\"\"")) throw error("a key cannot be a multi-line string");
                    parts.add(basicString());
                } else if (c == '\'') {
                    if (startsWith("'''")) throw error("a key cannot be a multi-line string");
                    parts.add(literalString());
                } else {
                    int start = p;
                    while (!atEnd() && isBareKeyChar(peek())) p++;
                    if (start == p) throw error(atEnd() ? "expected a key" : "unexpected '" + c + "' where a key should be");
                    parts.add(s.substring(start, p));
                }
                skipSpaces();
                if (peek() != '.') return parts;
                p++;
            }
        }

        static boolean isBareKeyChar(char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }

        private Object value() throws TomlException {
            char c = peek();
            if (startsWith("\"\"\"")) return multiLineBasicString();
            if (c == '"') return basicString();
            if (startsWith("'''")) return multiLineLiteralString();
            if (c == '\'') return literalString();
            if (c == '[') return array();
            if (c == '{') return inlineTable();
            if (startsWith("true") && !isBareKeyChar(charAt(p + 4))) {
                p += 4;
                return Boolean.TRUE;
            }
            if (startsWith("false") && !isBareKeyChar(charAt(p + 5))) {
                p += 5;
                return Boolean.FALSE;
            }
            return scalar();
        }

        private char charAt(int index) {
            return index < s.length() ? s.charAt(index) : '\0';
        }

        private List<Object> array() throws TomlException {
            p++; // [
            List<Object> list = new ArrayList<>();
            frozen.add(list);
            while (true) {
                skipBlank();
                if (peek() == ']') {
                    p++;
                    return list;
                }
                if (atEnd()) throw error("unterminated array");
                list.add(value());
                skipBlank();
                if (peek() == ',') {
                    p++;
                } else if (peek() == ']') {
                    p++;
                    return list;
                } else {
                    throw error("expected ',' or ']' in an array");
                }
            }
        }

        private Map<String, Object> inlineTable() throws TomlException {
            p++; // {
            Map<String, Object> table = new LinkedHashMap<>();
            skipSpaces();
            if (peek() == '}') {
                p++;
                frozen.add(table);
                return table;
            }
            while (true) {
                skipSpaces();
                keyValue(table, false);
                skipSpaces();
                if (peek() == ',') {
                    p++;
                    skipSpaces();
                    if (peek() == '}') throw error("trailing comma in an inline table");
                } else if (peek() == '}') {
                    p++;
                    freeze(table);
                    return table;
                } else {
                    throw error("expected ',' or '}' in an inline table");
                }
            }
        }

        @SuppressWarnings("unchecked")
        private void freeze(Map<String, Object> table) {
            frozen.add(table);
            for (Object value : table.values()) if (value instanceof Map) freeze((Map<String, Object>) value);
        }

        private String basicString() throws TomlException {
            p++; // "
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) throw error("unterminated string");
                char c = s.charAt(p++);
                if (c == '"') return out.toString();
                if (c == '\\') {
                    escape(out);
                } else if (c == '\n' || c == '\r') {
                    throw error("newline in a single-line string");
                } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw error("control character in a string");
                } else {
                    out.append(c);
                }
            }
        }

        private String multiLineBasicString() throws TomlException {
            p += 3;
            newline(); // a newline right after the delimiter is trimmed
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) throw error("unterminated multi-line string");
                if (startsWith("\"\"\"")) {
                    int quotes = 0;
                    while (charAt(p + quotes) == '"') quotes++;
                    if (quotes > 5) throw error("too many quotes closing a multi-line string");
                    for (int i = 0; i < quotes - 3; i++) out.append('"');
                    p += quotes;
                    return out.toString();
                }
                char c = peek();
                if (c == '\\') {
                    p++;
                    // A line-ending backslash trims the newline and the whitespace after it.
                    int save = p;
                    skipSpaces();
                    if (peek() == '\n' || (peek() == '\r' && charAt(p + 1) == '\n')) {
                        while (!atEnd() && (peek() == ' ' || peek() == '\t' || newline())) {
                            if (peek() == ' ' || peek() == '\t') p++;
                        }
                        continue;
                    }
                    p = save;
                    escape(out);
                } else if (newline()) {
                    out.append('\n');
                } else {
                    if ((c < 0x20 && c != '\t') || c == 0x7f) throw error("control character in a string");
                    out.append(c);
                    p++;
                }
            }
        }

        private void escape(StringBuilder out) throws TomlException {
            if (atEnd()) throw error("unterminated escape");
            char e = s.charAt(p++);
            switch (e) {
                case 'b': out.append('\b'); break;
                case 't': out.append('\t'); break;
                case 'n': out.append('\n'); break;
                case 'f': out.append('\f'); break;
                case 'r': out.append('\r'); break;
                case '"': out.append('"'); break;
                case '\\': out.append('\\'); break;
                case 'u': out.appendCodePoint(hex(4)); break;
                case 'U': out.appendCodePoint(hex(8)); break;
                default: throw error("unknown escape \\" + e);
            }
        }

        private int hex(int digits) throws TomlException {
            if (p + digits > s.length()) throw error("short unicode escape");
            String text = s.substring(p, p + digits);
            if (!text.matches("[0-9A-Fa-f]+")) throw error("bad unicode escape");
            p += digits;
            long code = Long.parseLong(text, 16);
            if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) throw error("escape is not a unicode scalar value");
            return (int) code;
        }

        private String literalString() throws TomlException {
            p++; // '
            int start = p;
            while (true) {
                if (atEnd()) throw error("unterminated literal string");
                char c = peek();
                if (c == '\'') {
                    String text = s.substring(start, p);
                    p++;
                    return text;
                }
                if (c == '\n' || c == '\r') throw error("newline in a literal string");
                if ((c < 0x20 && c != '\t') || c == 0x7f) throw error("control character in a literal string");
                p++;
            }
        }

        private String multiLineLiteralString() throws TomlException {
            p += 3;
            newline();
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) throw error("unterminated multi-line literal string");
                if (startsWith("'''")) {
                    int quotes = 0;
                    while (charAt(p + quotes) == '\'') quotes++;
                    if (quotes > 5) throw error("too many quotes closing a multi-line literal string");
                    for (int i = 0; i < quotes - 3; i++) out.append('\'');
                    p += quotes;
                    return out.toString();
                }
                if (newline()) {
                    out.append('\n');
                    continue;
                }
                char c = peek();
                if ((c < 0x20 && c != '\t') || c == 0x7f) throw error("control character in a literal string");
                out.append(c);
                p++;
            }
        }

        static final Pattern DATE_TIME = Pattern.compile(
                "\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})?)?|\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?");
        static final Pattern DECIMAL = Pattern.compile("[+-]?(0|[1-9](_?\\d)*)");
        static final Pattern FLOAT = Pattern.compile("[+-]?(0|[1-9](_?\\d)*)(\\.\\d(_?\\d)*)?([eE][+-]?\\d(_?\\d)*)?");

        /** Numbers, dates and times: a run of value characters, then its grammar. */
        private Object scalar() throws TomlException {
            int start = p;
            while (!atEnd()) {
                char c = peek();
                if (isBareKeyChar(c) || c == '.' || c == '+' || c == ':') {
                    p++;
                } else if (c == ' ' && p - start == 10 && s.substring(start, p).matches("\\d{4}-\\d{2}-\\d{2}")
                        && Character.isDigit(charAt(p + 1))) {
                    p++; // "1979-05-27 07:32:00": a space may separate date and time
                } else {
                    break;
                }
            }
            String text = s.substring(start, p);
            if (text.isEmpty()) throw error(atEnd() ? "missing value" : "unexpected '" + peek() + "' where a value should be");
            if (DATE_TIME.matcher(text).matches()) {
                validateDateTime(text);
                return new DateTime(text);
            }
            String digits = text.replace("_", "");
            try {
                if (text.matches("[+-]?(inf|nan)")) {
                    return text.endsWith("nan") ? Double.NaN : text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                if (text.startsWith("0x")) return Long.parseLong(underscored(text.substring(2), "[0-9A-Fa-f]"), 16);
                if (text.startsWith("0o")) return Long.parseLong(underscored(text.substring(2), "[0-7]"), 8);
                if (text.startsWith("0b")) return Long.parseLong(underscored(text.substring(2), "[01]"), 2);
                if (DECIMAL.matcher(text).matches()) return Long.parseLong(digits);
                if (FLOAT.matcher(text).matches()) return Double.parseDouble(digits);
            } catch (NumberFormatException e) {
                throw error("number out of range: " + text);
            }
            throw error("not a value: " + text);
        }

        private String underscored(String text, String digit) throws TomlException {
            if (!text.matches(digit + "(_?" + digit + ")*")) throw error("bad number");
            return text.replace("_", "");
        }

        private void validateDateTime(String text) throws TomlException {
            Matcher date = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})").matcher(text);
            if (date.lookingAt()) {
                int year = Integer.parseInt(date.group(1)), month = Integer.parseInt(date.group(2)), day = Integer.parseInt(date.group(3));
                if (month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) throw error("bad date " + text);
            }
            Matcher time = Pattern.compile("(\\d{2}):(\\d{2})(:(\\d{2}))?").matcher(text);
            int at = text.length() > 10 && date.lookingAt() ? 11 : 0;
            if (time.find(at) && time.start() == at) {
                if (Integer.parseInt(time.group(1)) > 23 || Integer.parseInt(time.group(2)) > 59
                        || (time.group(4) != null && Integer.parseInt(time.group(4)) > 60)) {
                    throw error("bad time " + text);
                }
            }
            Matcher offset = Pattern.compile("([+-])(\\d{2}):(\\d{2})$").matcher(text);
            if (text.length() > 10 && offset.find() && (Integer.parseInt(offset.group(2)) > 23 || Integer.parseInt(offset.group(3)) > 59)) {
                throw error("bad offset " + text);
            }
        }

        /**
         * Flat dotted keys of every value, as the config mapper reads a deployment.toml (tomlj's dottedKeySet:
         * tables descended, arrays kept whole, a key part that is not a bare key written in double quotes).
         */
        static Map<String, Object> flatten(Map<String, Object> tree) {
            Map<String, Object> flat = new LinkedHashMap<>();
            flatten("", tree, flat);
            return flat;
        }

        @SuppressWarnings("unchecked")
        private static void flatten(String prefix, Map<String, Object> table, Map<String, Object> flat) {
            for (Map.Entry<String, Object> entry : table.entrySet()) {
                String key = prefix + quoteKey(entry.getKey());
                if (entry.getValue() instanceof Map) flatten(key + ".", (Map<String, Object>) entry.getValue(), flat);
                else flat.put(key, entry.getValue());
            }
        }

        static String quoteKey(String part) {
            boolean bare = !part.isEmpty();
            for (int i = 0; i < part.length(); i++) if (!isBareKeyChar(part.charAt(i))) bare = false;
            return bare ? part : "\"" + part.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }

        /** toml-test's tagged form of a value, for --parse-toml. */
        @SuppressWarnings("unchecked")
        static Object tagged(Object value) {
            if (value instanceof Map) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<String, Object> entry : ((Map<String, Object>) value).entrySet()) out.put(entry.getKey(), tagged(entry.getValue()));
                return out;
            }
            if (value instanceof List) {
                List<Object> out = new ArrayList<>();
                for (Object item : (List<Object>) value) out.add(tagged(item));
                return out;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            String type;
            String text;
            if (value instanceof String) {
                type = "string";
                text = (String) value;
            } else if (value instanceof Boolean) {
                type = "bool";
                text = value.toString();
            } else if (value instanceof Long) {
                type = "integer";
                text = value.toString();
            } else if (value instanceof Double) {
                type = "float";
                double d = (Double) value;
                text = Double.isNaN(d) ? "nan" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : value.toString();
            } else {
                String date = value.toString();
                type = date.matches("\\d{4}-\\d{2}-\\d{2}") ? "date-local"
                        : date.matches("\\d{2}:.*") ? "time-local"
                        : date.matches(".*([Zz]|[+-]\\d{2}:\\d{2})$") ? "datetime" : "datetime-local";
                text = date;
            }
            out.put("type", type);
            out.put("value", text);
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // A small JSON reader and writer

    static final class Json {

        static final class JsonException extends Exception {
            JsonException(String message) {
                super(message);
            }
        }

        private final String s;
        private int p;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) throws JsonException {
            Json json = new Json(text.startsWith("\uFEFF") ? text.substring(1) : text);
            json.skip();
            Object value = json.value();
            json.skip();
            if (json.p != json.s.length()) throw json.error("text after the JSON value");
            return value;
        }

        private JsonException error(String message) {
            int line = 1;
            for (int i = 0; i < p && i < s.length(); i++) if (s.charAt(i) == '\n') line++;
            return new JsonException("line " + line + ": " + message);
        }

        private void skip() {
            while (p < s.length() && " \t\r\n".indexOf(s.charAt(p)) >= 0) p++;
        }

        private Object value() throws JsonException {
            if (p >= s.length()) throw error("unexpected end");
            char c = s.charAt(p);
            if (c == '{') {
                p++;
                Map<String, Object> map = new LinkedHashMap<>();
                skip();
                if (p < s.length() && s.charAt(p) == '}') {
                    p++;
                    return map;
                }
                while (true) {
                    skip();
                    if (p >= s.length() || s.charAt(p) != '"') throw error("expected a member name");
                    String key = string();
                    skip();
                    if (p >= s.length() || s.charAt(p) != ':') throw error("expected ':'");
                    p++;
                    skip();
                    map.put(key, value());
                    skip();
                    if (p < s.length() && s.charAt(p) == ',') {
                        p++;
                    } else if (p < s.length() && s.charAt(p) == '}') {
                        p++;
                        return map;
                    } else {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            if (c == '[') {
                p++;
                List<Object> list = new ArrayList<>();
                skip();
                if (p < s.length() && s.charAt(p) == ']') {
                    p++;
                    return list;
                }
                while (true) {
                    skip();
                    list.add(value());
                    skip();
                    if (p < s.length() && s.charAt(p) == ',') {
                        p++;
                    } else if (p < s.length() && s.charAt(p) == ']') {
                        p++;
                        return list;
                    } else {
                        throw error("expected ',' or ']'");
                    }
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", p)) {
                p += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", p)) {
                p += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", p)) {
                p += 4;
                return null;
            }
            Matcher number = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?").matcher(s);
            if (number.find(p) && number.start() == p && number.end() > p) {
                p = number.end();
                String text = number.group();
                if (number.group(2) == null && number.group(3) == null) {
                    try {
                        return Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        return Double.parseDouble(text);
                    }
                }
                return Double.parseDouble(text);
            }
            throw error("unexpected '" + c + "'");
        }

        private String string() throws JsonException {
            p++; // "
            StringBuilder out = new StringBuilder();
            while (true) {
                if (p >= s.length()) throw error("unterminated string");
                char c = s.charAt(p++);
                if (c == '"') return out.toString();
                if (c < 0x20) throw error("control character in a string");
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (p >= s.length()) throw error("unterminated escape");
                char e = s.charAt(p++);
                switch (e) {
                    case '"': out.append('"'); break;
                    case '\\': out.append('\\'); break;
                    case '/': out.append('/'); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'n': out.append('\n'); break;
                    case 'r': out.append('\r'); break;
                    case 't': out.append('\t'); break;
                    case 'u':
                        if (p + 4 > s.length() || !s.substring(p, p + 4).matches("[0-9A-Fa-f]{4}")) throw error("bad \\u escape");
                        out.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                        p += 4;
                        break;
                    default: throw error("unknown escape \\" + e);
                }
            }
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out, "");
            return out.toString();
        }

        @SuppressWarnings("unchecked")
        private static void write(Object value, StringBuilder out, String indent) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof String) {
                quote((String) value, out);
            } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
                out.append(value);
            } else if (value instanceof Map) {
                Map<String, Object> map = (Map<String, Object>) value;
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                int i = 0;
                for (Map.Entry<String, Object> entry : map.entrySet()) {
                    out.append(indent).append("  ");
                    quote(entry.getKey(), out);
                    out.append(": ");
                    write(entry.getValue(), out, indent + "  ");
                    out.append(++i < map.size() ? ",\n" : "\n");
                }
                out.append(indent).append('}');
            } else if (value instanceof List) {
                List<Object> list = (List<Object>) value;
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append("[\n");
                for (int i = 0; i < list.size(); i++) {
                    out.append(indent).append("  ");
                    write(list.get(i), out, indent + "  ");
                    out.append(i + 1 < list.size() ? ",\n" : "\n");
                }
                out.append(indent).append(']');
            } else {
                quote(value.toString(), out);
            }
        }

        private static void quote(String text, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"': out.append("\\\""); break;
                    case '\\': out.append("\\\\"); break;
                    case '\n': out.append("\\n"); break;
                    case '\r': out.append("\\r"); break;
                    case '\t': out.append("\\t"); break;
                    default:
                        if (c < 0x20 || c == 0x7f) out.append(String.format("\\u%04x", (int) c));
                        else out.append(c);
                }
            }
            out.append('"');
        }
    }
}
