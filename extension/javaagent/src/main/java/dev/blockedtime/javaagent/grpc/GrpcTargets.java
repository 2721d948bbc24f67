package dev.blockedtime.javaagent.grpc;

/** The {@code grpc.target} attribute: a channel's target as given to its builder. */
final class GrpcTargets {
  private GrpcTargets() {}

  /**
   * The target without credentials: {@code user:password@} (or {@code user@}) in front of the
   * host is dropped, whether the target is a URI ({@code dns://user:pw@host/...}, {@code
   * dns:///user:pw@host:443}) or a bare authority ({@code user:pw@host:443}). Anything else is
   * left as it is: an {@code @} further along (a path, a query) is not a credential.
   */
  static String withoutCredentials(String target) {
    if (target == null) {
      return "";
    }
    int at = target.indexOf('@');
    if (at < 0) {
      return target;
    }
    int start = authorityStart(target);
    int end = start;
    while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
      end++;
    }
    int userInfoEnd = target.lastIndexOf('@', end - 1);
    if (userInfoEnd < start) {
      return target;
    }
    return target.substring(0, start) + target.substring(userInfoEnd + 1);
  }

  /** Where the host part begins: after {@code scheme://} or {@code scheme:///}, else at 0. */
  private static int authorityStart(String target) {
    int colon = target.indexOf(':');
    if (colon <= 0 || !target.startsWith("//", colon + 1) || !isScheme(target, colon)) {
      return 0;
    }
    int start = colon + 3;
    return start < target.length() && target.charAt(start) == '/' ? start + 1 : start;
  }

  /** RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
  private static boolean isScheme(String s, int end) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
        return false;
      }
    }
    return true;
  }
}
