package dev.blockedtime.demo.common;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** The JDK's HTTP server with a fixed pool of named handler threads, as a service would run it. */
public final class HttpServers {
  private HttpServers() {}

  /**
   * An HTTP server on {@code host:port} (host from {@code DEMO_BIND_HOST}, default all interfaces,
   * as a container needs; the local demo binds 127.0.0.1), not yet started.
   */
  public static HttpServer create(int port, int threads, String threadPrefix) throws IOException {
    String host = Settings.string("bind.host", "0.0.0.0");
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.setExecutor(Executors.newFixedThreadPool(threads, Threads.named(threadPrefix)));
    return server;
  }

  /** Closes the listening socket first on SIGTERM, so no request is accepted while the JVM stops. */
  public static void stopOnShutdown(HttpServer server) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "http-stop"));
  }
}
