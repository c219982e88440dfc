import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The WSO2 server's outbound HTTPS as a test sees it: an SSLSocket whose trust comes from a TrustManagerFactory
 * over one truststore file (the JDK's default PKIX rules), with "HTTPS" endpoint identification. It shares no code
 * with ei-keystore. Usage: TlsClient TRUSTSTORE TYPE HOST PORT [SERVERNAME]; the store password in
 * TLS_CLIENT_PASSWORD. Prints {"trusted":true|false,"error":...} and exits 0 (trusted), 1 (refused) or 2 (no
 * connection at all).
 */
public final class TlsClient {
  public static void main(String[] args) throws Exception {
    String storePath = args[0];
    String type = args[1];
    String host = args[2];
    int port = Integer.parseInt(args[3]);
    String serverName = args.length > 4 ? args[4] : null;
    char[] password = System.getenv("TLS_CLIENT_PASSWORD").toCharArray();

    KeyStore trust = KeyStore.getInstance(type);
    try (InputStream in = new FileInputStream(storePath)) {
      trust.load(in, password);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);

    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(host, port), 10_000);
    } catch (Exception e) {
      System.out.println("{\"trusted\":false,\"connected\":false,\"error\":" + quote(e.toString()) + "}");
      System.exit(2);
    }
    plain.setSoTimeout(10_000);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (serverName != null) parameters.setServerNames(List.of(new SNIHostName(serverName)));
    socket.setSSLParameters(parameters);
    try {
      socket.startHandshake();
      System.out.println("{\"trusted\":true,\"connected\":true,\"error\":null}");
      socket.close();
      System.exit(0);
    } catch (Exception e) {
      Throwable root = e;
      StringBuilder message = new StringBuilder(e.toString());
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
        message.append(" <- ").append(root.toString());
      }
      System.out.println("{\"trusted\":false,\"connected\":true,\"error\":" + quote(message.toString()) + "}");
      System.exit(1);
    }
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
