/**
 * The fault lab's client and checker: programs run by {@code lab.sh}, no library API.
 */
module dev.sluice.lab {
  requires java.net.http;
}
