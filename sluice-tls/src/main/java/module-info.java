/**
 * TLS for every listener and link of Sluice: the {@code tls} configuration block
 * ({@link dev.sluice.tls.TlsSettings}), PEM files read with the JDK alone, and
 * {@link dev.sluice.tls.TlsContext}, whose key and trust managers follow rotated files.
 */
module dev.sluice.tls {
  requires transitive dev.sluice.core;
  requires org.slf4j;

  exports dev.sluice.tls;
}
