package dev.sscam.io;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether a TCP port can be listened on, for the servers (the study, {@code sscam serve}) to say
 * "port in use" in one line instead of a web framework's stack trace.
 */
public final class ListeningPort {
  private ListeningPort() {}

  /** Whether {@code host}:{@code port} is free to bind (an address that is not this machine's counts as free: the server reports that itself). */
  public static boolean isFree(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
      return true;
    } catch (BindException e) {
      // "Address already in use"; any other failure (an address not of this machine) is the server's to report
      return e.getMessage() == null || !e.getMessage().contains("in use");
    } catch (IOException e) {
      return true;
    }
  }

  /** Whether {@code e} or one of its causes is a {@link BindException}. */
  public static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
