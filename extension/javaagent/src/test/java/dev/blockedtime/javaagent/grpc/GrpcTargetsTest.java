package dev.blockedtime.javaagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrpcTargetsTest {
  @Test
  void targetsWithoutCredentialsAreKeptAsGiven() {
    assertThat(GrpcTargets.withoutCredentials("127.0.0.1:8080")).isEqualTo("127.0.0.1:8080");
    assertThat(GrpcTargets.withoutCredentials("dns:///orders.svc:443")).isEqualTo("dns:///orders.svc:443");
    assertThat(GrpcTargets.withoutCredentials("directaddress:///127.0.0.1:1")).isEqualTo("directaddress:///127.0.0.1:1");
    assertThat(GrpcTargets.withoutCredentials("xds:///orders")).isEqualTo("xds:///orders");
    assertThat(GrpcTargets.withoutCredentials(null)).isEmpty();
  }

  @Test
  void userInfoBeforeTheHostIsDropped() {
    assertThat(GrpcTargets.withoutCredentials("user:secret@orders.svc:443")).isEqualTo("orders.svc:443");
    assertThat(GrpcTargets.withoutCredentials("user@orders.svc:443")).isEqualTo("orders.svc:443");
    assertThat(GrpcTargets.withoutCredentials("dns://user:secret@8.8.8.8/orders.svc:443"))
        .isEqualTo("dns://8.8.8.8/orders.svc:443");
    assertThat(GrpcTargets.withoutCredentials("dns:///user:secret@orders.svc:443"))
        .isEqualTo("dns:///orders.svc:443");
    assertThat(GrpcTargets.withoutCredentials("dns:///user:p@ss@orders.svc:443"))
        .isEqualTo("dns:///orders.svc:443");
  }

  @Test
  void anAtSignFurtherAlongIsNotACredential() {
    assertThat(GrpcTargets.withoutCredentials("unix:///tmp/a@b.sock")).isEqualTo("unix:///tmp/a@b.sock");
    assertThat(GrpcTargets.withoutCredentials("dns:///orders.svc:443?x=a@b")).isEqualTo("dns:///orders.svc:443?x=a@b");
  }
}
