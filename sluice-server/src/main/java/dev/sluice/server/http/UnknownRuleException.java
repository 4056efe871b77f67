package dev.sluice.server.http;

/** No rule has this id: a 404, thrown by the check and the rules routes alike. */
final class UnknownRuleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The id asked for. */
  final String ruleId;

  UnknownRuleException(String ruleId) {
    super(null, null, false, false);
    this.ruleId = ruleId;
  }
}
