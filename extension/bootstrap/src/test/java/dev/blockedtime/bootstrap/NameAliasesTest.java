package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameAliasesTest {
  private final List<String> bad = new ArrayList<>();

  private Settings.NameAliases parse(String value) {
    return Settings.NameAliases.parse(value, bad);
  }

  @Test
  void exactPatternMatchesOnlyThatSite() {
    Settings.NameAliases a = parse("com.acme.Orders.<init>:42=orders");
    assertThat(a.resolve("com.acme.Orders.<init>:42")).isEqualTo("orders");
    assertThat(a.resolve("com.acme.Orders.<init>:420")).isEqualTo("com.acme.Orders.<init>:420");
    assertThat(a.resolve("com.acme.Orders.<init>:4")).isEqualTo("com.acme.Orders.<init>:4");
    assertThat(bad).isEmpty();
  }

  @Test
  void trailingStarMatchesAnySuffix() {
    Settings.NameAliases a = parse("com.acme.Orders.*=orders");
    assertThat(a.resolve("com.acme.Orders.<init>:42")).isEqualTo("orders");
    assertThat(a.resolve("com.acme.Orders.build:7")).isEqualTo("orders");
    assertThat(a.resolve("com.acme.Orders.")).isEqualTo("orders"); // empty suffix
    assertThat(a.resolve("com.acme.OrdersX.build:7")).isEqualTo("com.acme.OrdersX.build:7");
    assertThat(a.resolve("com.acme.Order.build:7")).isEqualTo("com.acme.Order.build:7");
  }

  @Test
  void starOnlyTrailingIsAWildcardElsewhereItIsLiteral() {
    Settings.NameAliases a = parse("com.*.Orders.build:7=mid");
    assertThat(a.resolve("com.acme.Orders.build:7")).isEqualTo("com.acme.Orders.build:7");
    assertThat(a.resolve("com.*.Orders.build:7")).isEqualTo("mid");
  }

  @Test
  void firstMatchWins() {
    Settings.NameAliases a = parse("com.acme.Orders.*=orders, com.acme.*=acme, com.acme.Orders.x:1=never");
    assertThat(a.resolve("com.acme.Orders.x:1")).isEqualTo("orders");
    assertThat(a.resolve("com.acme.Billing.y:2")).isEqualTo("acme");

    Settings.NameAliases reversed = parse("com.acme.*=acme, com.acme.Orders.*=orders");
    assertThat(reversed.resolve("com.acme.Orders.x:1")).isEqualTo("acme");
  }

  @Test
  void unmatchedSiteIsReturnedAsIs() {
    Settings.NameAliases a = parse("com.acme.*=acme");
    String site = "org.other.Thing.run:9";
    assertThat(a.resolve(site)).isSameAs(site);
  }

  @Test
  void malformedPairsAreReportedAndSkippedValidPairsStillApply() {
    Settings.NameAliases a = parse("=x, a=, *=x, noequals, com.acme.*=acme, org.x.Y.z:1=y");
    assertThat(bad).containsExactly("=x", "a=", "*=x", "noequals");
    assertThat(a.isEmpty()).isFalse();
    assertThat(a.resolve("com.acme.A.b:1")).isEqualTo("acme");
    assertThat(a.resolve("org.x.Y.z:1")).isEqualTo("y");
    // the malformed ones did not become rules
    assertThat(a.resolve("a")).isEqualTo("a");
    assertThat(a.resolve("noequals")).isEqualTo("noequals");
    assertThat(a.resolve("anything")).isEqualTo("anything");
  }

  @Test
  void onlyMalformedPairsGiveNoRules() {
    Settings.NameAliases a = parse("=x,a=,*=x,noequals");
    assertThat(bad).containsExactly("=x", "a=", "*=x", "noequals");
    assertThat(a.isEmpty()).isTrue();
  }

  @Test
  void blankPatternOrAliasAroundEqualsIsMalformed() {
    parse("  = x ,a =  , * = x");
    assertThat(bad).containsExactly("= x", "a =", "* = x");
  }

  @Test
  void whitespaceIsTrimmedAroundPairsPatternsAndAliases() {
    Settings.NameAliases a = parse("  com.acme.*  =  acme  ,\torg.x.Y.z:1\t=\ty\t");
    assertThat(bad).isEmpty();
    assertThat(a.resolve("com.acme.A.b:1")).isEqualTo("acme");
    assertThat(a.resolve("org.x.Y.z:1")).isEqualTo("y");
  }

  @Test
  void emptyEntriesBetweenCommasAreIgnoredSilently() {
    Settings.NameAliases a = parse(",, com.acme.*=acme ,, ,");
    assertThat(bad).isEmpty();
    assertThat(a.resolve("com.acme.A.b:1")).isEqualTo("acme");
  }

  /**
   * Documented behaviour: a pair is split at its LAST '=', so a pattern may contain '=' but an
   * alias cannot.
   */
  @Test
  void pairIsSplitAtTheLastEquals() {
    Settings.NameAliases a = parse("a=b=c");
    assertThat(bad).isEmpty();
    assertThat(a.resolve("a=b")).isEqualTo("c");
    assertThat(a.resolve("a")).isEqualTo("a");

    Settings.NameAliases star = parse("x=*=y");
    assertThat(star.resolve("x=anything")).isEqualTo("y");

    // "a==" splits into pattern "a=" and an empty alias: malformed.
    parse("a==");
    assertThat(bad).containsExactly("a==");
  }

  @Test
  void emptyHasNoRules() {
    assertThat(Settings.NameAliases.EMPTY.isEmpty()).isTrue();
    assertThat(Settings.NameAliases.EMPTY.resolve("x.Y.z:1")).isEqualTo("x.Y.z:1");
  }
}
