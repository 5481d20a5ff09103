package relgraph.neo4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs a real Neo4j 5.26 DBMS (embedded, Community edition) with a Bolt listener on
 * 127.0.0.1, so tests and users get a genuine Neo4j server without Docker or a
 * tarball install. Started and stopped by the neo4j-server script next to the pom.
 *
 * <p>Usage: {@code RelgraphNeo4j --home DIR --port N [--pagecache 128m] [--tx-memory 256m]
 * [--allow-file-access]}
 *
 * <p>Files: Cypher's LOAD CSV and APOC may touch no file outside {@code <home>/import}
 * ({@code server.directories.import}), and without {@code --allow-file-access} none at
 * all: a query sent to a local test server must not read /etc/passwd or write into the
 * user's home just because the server runs as that user.
 *
 * <p>Prints exactly {@code READY bolt://127.0.0.1:<port>} on stdout once the default
 * database answers a query that uses APOC and the Bolt port accepts connections.
 * Exits 2 on bad arguments and 1 if the DBMS cannot start.
 */
public final class RelgraphNeo4j {

    private static final String HOST = "127.0.0.1";
    private static final String USAGE =
            "usage: RelgraphNeo4j --home DIR --port N [--pagecache SIZE] [--tx-memory SIZE] [--allow-file-access]\n"
                    + "  --home DIR         Neo4j home: data/, logs/, conf/apoc.conf and plugins/ live here\n"
                    + "  --port N           Bolt port on 127.0.0.1 (1-65535)\n"
                    + "  --pagecache SIZE   page cache size such as 64m, 128m, 1g (default 128m)\n"
                    + "  --tx-memory SIZE   most heap one transaction may use (db.memory.transaction.max;\n"
                    + "                     default 256m, 0 = no limit)\n"
                    + "  --allow-file-access  let LOAD CSV and APOC's file import/export use <home>/import\n"
                    + "                     (never anything outside it); off by default";

    /** Parsed command line. */
    private record Options(Path home, int port, long pageCacheBytes, long txMemoryBytes, boolean fileAccess) {}

    private RelgraphNeo4j() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("RelgraphNeo4j: error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (Throwable t) {
            System.err.println("RelgraphNeo4j: error: Neo4j failed to start: " + describe(t));
            t.printStackTrace();
            // exit() rather than return: non-daemon Neo4j threads may survive a failed
            // start. It also runs the shutdown hook if the DBMS was already built.
            System.exit(1);
        }
    }

    static Options parse(String[] args) {
        Path home = null;
        Integer port = null;
        String pageCache = "128m";
        String txMemory = "256m";
        boolean fileAccess = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            if (arg.equals("--allow-file-access")) {
                fileAccess = true;
                continue;
            }
            if (!List.of("--home", "--port", "--pagecache", "--tx-memory").contains(arg)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--home" -> home = Path.of(value).toAbsolutePath().normalize();
                case "--port" -> port = parsePort(value);
                case "--tx-memory" -> txMemory = value;
                default -> pageCache = value;
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home is required");
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        long pageCacheBytes;
        try {
            pageCacheBytes = ByteUnit.parse(pageCache);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--pagecache '" + pageCache + "' is not a size like 64m or 1g");
        }
        if (pageCacheBytes < ByteUnit.mebiBytes(8)) {
            throw new IllegalArgumentException("--pagecache '" + pageCache + "' is too small (at least 8m)");
        }
        long txMemoryBytes;
        try {
            txMemoryBytes = ByteUnit.parse(txMemory);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--tx-memory '" + txMemory + "' is not a size like 256m or 1g");
        }
        if (txMemoryBytes != 0 && txMemoryBytes < ByteUnit.mebiBytes(1)) {
            throw new IllegalArgumentException("--tx-memory '" + txMemory + "' is too small (at least 1m, or 0)");
        }
        return new Options(home, port, pageCacheBytes, txMemoryBytes, fileAccess);
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("--port '" + value + "' is not a port number (1-65535)");
    }

    private static void run(Options options) throws Exception {
        Path home = options.home();
        Path plugins = home.resolve("plugins");
        Files.createDirectories(plugins);
        Path imports = home.resolve("import");
        Files.createDirectories(imports);
        writeApocConf(home.resolve("conf"), options.fileAccess());
        installApocPlugins(plugins);

        // The user log (startup/shutdown/bind errors) goes to stdout, which the
        // neo4j-server script redirects to <home>/neo4j.log; debug.log stays in <home>/logs.
        var userLog = new Log4jLogProvider(System.out);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(userLog)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, options.port()))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, options.port()))
                // Local, throwaway server: plain-text Bolt and no auth, like a test container.
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // The embedded build ships no HTTP server; say so explicitly anyway.
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // dbms.usage_report.enabled: never phone home.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes())
                // LOAD CSV: file:/// URLs resolve inside <home>/import only (without this
                // setting an embedded DBMS reads any file), and only when file access was asked for.
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, imports)
                .setConfig(GraphDatabaseSettings.allow_file_urls, options.fileAccess())
                // One runaway query (a cartesian product collected into a list) would otherwise
                // take the whole heap and, with ExitOnOutOfMemoryError, the server with it; past
                // this limit Neo4j fails just that transaction (MemoryPoolOutOfMemoryError).
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, options.txMemoryBytes())
                // APOC procedures are found by scanning plugin_dir; apoc.* must be
                // unrestricted because several of them use internal APIs.
                .setConfig(GraphDatabaseSettings.plugin_dir, plugins)
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"))
                .setConfig(GraphDatabaseSettings.procedure_allowlist, List.of("apoc.*"))
                // Bolt's netty shutdown waits a 5 s "quiet period" twice (boss + workers),
                // making every stop take 12 s; a local test server needs no quiet period.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        // Registered before the readiness check so a SIGTERM during startup is also clean.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Shutting down Neo4j ...");
            dbms.shutdown();
            System.out.println("Neo4j stopped.");
            System.out.flush();
            stopped.countDown();
        }, "relgraph-neo4j-shutdown"));

        // A query through APOC proves both the default database and the plugin work.
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        Map<String, Object> versions = db.executeTransactionally(
                "CALL dbms.components() YIELD versions RETURN versions[0] AS neo4j, apoc.version() AS apoc",
                Map.of(), result -> result.next());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, options.port()), 5_000);
        }
        System.out.println("Neo4j " + versions.get("neo4j") + " with APOC " + versions.get("apoc")
                + " is up; home " + home);
        System.out.println("READY bolt://" + HOST + ":" + options.port());
        System.out.flush();

        // Nothing left to do but serve; SIGTERM/SIGINT ends the JVM through the hook.
        stopped.await();
    }

    /**
     * APOC 5 reads its settings from apoc.conf in the conf directory next to
     * neo4j.conf (for embedded use that is {@code <home>/conf}); apoc.* keys are not
     * accepted as Neo4j settings. Rewritten at every start so it always matches this
     * launcher. File import and export are off unless asked for; use_neo4j_config=true
     * makes APOC resolve every path inside server.directories.import ({@code <home>/import})
     * and refuse paths that lead out of it, as LOAD CSV does.
     */
    private static void writeApocConf(Path conf, boolean fileAccess) throws IOException {
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("apoc.conf"),
                "# Written by relgraph's RelgraphNeo4j at every start; edits are lost.\n"
                        + "apoc.import.file.enabled=" + fileAccess + "\n"
                        + "apoc.export.file.enabled=" + fileAccess + "\n"
                        + "apoc.import.file.use_neo4j_config=true\n"
                        + "apoc.import.file.allow_read_from_filesystem=" + fileAccess + "\n");
    }

    /**
     * Neo4j registers procedures only from jars in plugin_dir, while APOC's extension
     * factories (ApocConfig in apoc-common) and its libraries are found on the
     * classpath. So the apoc-core jar (the one with the procedures) on our classpath is
     * copied into plugins/, and other APOC jars there are removed: a second APOC version
     * would register every procedure twice and fail the start.
     */
    private static void installApocPlugins(Path plugins) throws IOException {
        List<Path> apocJars = java.util.Arrays.stream(
                        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of)
                .filter(p -> isApocCoreJar(p) && Files.isRegularFile(p))
                .toList();
        if (apocJars.isEmpty()) {
            throw new IllegalStateException("no apoc-core-*.jar on the classpath; run 'neo4j-server build'");
        }
        List<String> wanted = apocJars.stream().map(p -> p.getFileName().toString()).toList();
        try (DirectoryStream<Path> existing = Files.newDirectoryStream(plugins, "apoc-*.jar")) {
            for (Path old : existing) {
                if (!wanted.contains(old.getFileName().toString())) {
                    Files.delete(old);
                }
            }
        }
        for (Path jar : apocJars) {
            Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isApocCoreJar(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return name.startsWith("apoc-core-") && name.endsWith(".jar");
    }

    /** The innermost cause usually names the real problem (e.g. "Address already in use"). */
    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = t.getClass().getSimpleName() + ": " + t.getMessage();
        return root == t ? top : top + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
