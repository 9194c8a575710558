using System.Security.Cryptography;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>The cluster CA: sealed under the secret, carried by the certificates it issues, replicated and snapshotted.</summary>
public sealed class ClusterCaTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void TheKeyIsSealedUnderTheSecretAndOnlyThatSecretUnsealsIt()
    {
        var ca = ClusterCa.Create("home", Secret, DateTimeOffset.UtcNow);
        using (var key = ClusterCa.Unseal(ca, Secret)) Assert.Equal(256, key.KeySize);
        var e = Assert.ThrowsAny<CryptographicException>(() => ClusterCa.Unseal(ca, RandomNumberGenerator.GetBytes(32)));
        Assert.Contains("not the one it was sealed under", e.Message);
        // The key is not in the record in clear: its PKCS#8 would start with a DER SEQUENCE holding the P-256 OID.
        var p256 = Convert.FromHexString("2a8648ce3d030107");
        Assert.True(ca.SealedKey.AsSpan().IndexOf(p256) < 0);
        // Moving a sealed key to another certificate fails too (the certificate is the associated data).
        var other = ClusterCa.Create("home", Secret, DateTimeOffset.UtcNow);
        Assert.ThrowsAny<CryptographicException>(() => ClusterCa.Unseal(other with { SealedKey = ca.SealedKey }, Secret));
    }

    [Fact]
    public void AnIssuedCertificateChainsToItsCaAndCarriesIt()
    {
        var now = DateTimeOffset.UtcNow;
        var ca = ClusterCa.Create("home", Secret, now);
        using var leaf = ClusterCa.Issue(ca, Secret, "minimesos master 1", ["pi1", "10.0.0.5", "localhost"], now, TimeSpan.FromDays(90));
        using var caCert = ClusterCa.Certificate(ca);
        Assert.True(leaf.HasPrivateKey);
        Assert.True(ClusterCa.ChainsTo(leaf, caCert, DateTime.UtcNow));
        using var carried = ClusterCa.CarriedCa(leaf);
        Assert.Equal(ClusterCa.Fingerprint(ca.Certificate), ClusterCa.Fingerprint(carried!.RawData));
        using var stranger = ClusterCa.Certificate(ClusterCa.Create("home", Secret, now));
        Assert.False(ClusterCa.ChainsTo(leaf, stranger, DateTime.UtcNow));
        Assert.False(ClusterCa.ChainsTo(leaf, caCert, DateTime.UtcNow.AddDays(91)));
    }

    [Fact]
    public void TheCaIsReplicatedOnceAndSurvivesASnapshot()
    {
        var ca = ClusterCa.Create("home", Secret, DateTimeOffset.UtcNow);
        var command = Assert.IsType<SetClusterCa>(CommandCodec.Decode(CommandCodec.Encode(new SetClusterCa(5, ca))));
        Assert.Equal(ca.Certificate, command.Ca.Certificate);
        Assert.Equal(ca.SealedKey, command.Ca.SealedKey);
        Assert.Equal(FeatureGate.Tls, command.RequiredLevel);

        var state = new ClusterState();
        var before = StateSnapshotCodec.Encode(state);
        Assert.Equal(4, before[0]); // no CA: the older format's bytes
        Assert.True(state.Apply(command));
        Assert.False(state.Apply(new SetClusterCa(6, ClusterCa.Create("home", Secret, DateTimeOffset.UtcNow))));
        var restored = new ClusterState();
        StateSnapshotCodec.Restore(restored, StateSnapshotCodec.Encode(state));
        Assert.Equal(ca.Certificate, restored.ClusterCa!.Certificate);
        StateSnapshotCodec.Restore(restored, before);
        Assert.Null(restored.ClusterCa);
    }

    [Fact]
    public async Task AMasterWaitingForTheCaWakesWhenItIsAppliedNotAtTheNextTick()
    {
        // A follower of a new cluster starts before the leader's CA reaches it: it must take it up as soon as it is applied.
        var master = new Net.Master.MasterService(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var waiting = master.WaitForClusterCaAsync(null, stop.Token);
        ((Net.Raft.IRaftStateMachine)master).Apply(1, CommandCodec.Encode(new PutRoleWeight(1, "team", 2)));
        await Task.Yield();
        Assert.False(waiting.IsCompleted);            // another change is not the CA
        var ca = ClusterCa.Create("home", Secret, DateTimeOffset.UtcNow);
        ((Net.Raft.IRaftStateMachine)master).Apply(2, CommandCodec.Encode(new SetClusterCa(5, ca)));
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        // Already there: at once. The CA it knows: it waits (until cancelled).
        await master.WaitForClusterCaAsync(null, stop.Token).WaitAsync(TimeSpan.FromSeconds(30));
        var known = master.WaitForClusterCaAsync(master.ClusterCa, stop.Token);
        Assert.False(known.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => known);
    }

    [Theory]
    [InlineData("mm1.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.mm_secretsecretsecret", null)]
    [InlineData("mm1.0123.mm_secretsecretsecret", "64 lower-case hex")]
    [InlineData("mm1.only-two", "mm1.<CA fingerprint>.<secret>")]
    public void PinnedTokensAreValidated(string token, string? problem)
    {
        var reason = ClusterSecret.Validate(token);
        if (problem is null)
        {
            Assert.Null(reason);
            var secret = ClusterSecret.Parse(token, "test");
            Assert.Equal("mm_secretsecretsecret", secret.Token);
            Assert.Equal(token.Split('.')[1], secret.CaFingerprint);
            Assert.Equal(token, secret.Pinned(secret.CaFingerprint!));
        }
        else
        {
            Assert.Contains(problem, reason);
        }
    }
}
