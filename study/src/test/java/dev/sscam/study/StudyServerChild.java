package dev.sscam.study;

import java.nio.file.Path;

/** A study server in its own JVM, for the kill -9 test: prints its port, then serves until killed. */
public final class StudyServerChild {
  private StudyServerChild() {}

  public static void main(String[] args) throws InterruptedException {
    StudyServer server = StudyServer.start(Path.of(args[0]), "127.0.0.1", 0);
    System.out.println("PORT " + server.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
