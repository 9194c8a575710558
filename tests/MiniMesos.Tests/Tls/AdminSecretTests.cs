using System.Text;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// Rotating the admin secret, in memory (unit tests of the entry, its codec and a master's view of it): the entry seals the
/// new secret under the old one and re-seals the CA's key and the agent secret; a master holding the old secret follows it.
/// </summary>
public sealed class AdminSecretTests
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public void TheEntryRoundTripsAtLevel4AndHoldsNoSecretInClear()
    {
        var (state, ca, old) = StateWithCa();
        var roles = new RoleSecrets(old, () => state.SealedAgentSecret, () => state.AdminRotation);
        var agentBefore = roles.AgentToken!;
        var (next, command) = roles.NewAdminSecret(ca, Now);
        Assert.Equal(FeatureGate.AdminRotation, command.RequiredLevel);
        Assert.Equal(4, FeatureGate.AdminRotation);

        var bytes = CommandCodec.Encode(command);
        Assert.Equal(28, bytes[0]);
        var decoded = Assert.IsType<SetAdminSecret>(CommandCodec.Decode(bytes));
        Assert.Equal(bytes, CommandCodec.Encode(decoded));
        foreach (var secret in new[] { next.Token, old.Token, agentBefore })
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, "a secret is in the entry in clear");
        bytes[^1] = 0;
        Assert.Throws<ProtocolException>(() => CommandCodec.Decode(bytes[..^3]));

        // Applied: the CA's key and the agent secret open with the new secret only; the agent token has not changed.
        Assert.True(state.Apply(decoded));
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => ClusterCa.Unseal(state.ClusterCa!, old.Key));
        ClusterCa.Unseal(state.ClusterCa!, next.Key).Dispose();
        Assert.Equal(agentBefore, AgentSecret.Unseal(state.SealedAgentSecret!, next.Key));

        // The master that held the old secret now holds the new one and names the old one as previous.
        Assert.Equal(next.Token, roles.Admin.Token);
        Assert.True(roles.IsPreviousAdminToken(old.Token));
        Assert.Equal(agentBefore, roles.AgentToken);
        Assert.Equal(SecretKeys.KeyId(old.Key), roles.PreviousAdminKeyId());

        // A second rotation proposed from the state before the first (sealed under a retired secret) changes nothing.
        var stale = new RoleSecrets(old, () => null).NewAdminSecret(ca, Now).Command;
        Assert.False(state.Apply(stale));
        Assert.Equal(next.Token, roles.Admin.Token);
    }

    [Fact]
    public void TheStateSnapshotKeepsTheRotationWithOrWithoutAnAgentSecret()
    {
        var (state, ca, old) = StateWithCa();
        var (next, command) = new RoleSecrets(old, () => null).NewAdminSecret(ca, Now);
        Assert.True(state.Apply(command));
        var restored = new ClusterState();
        var bytes = StateSnapshotCodec.Encode(state);
        StateSnapshotCodec.Restore(restored, bytes);
        Assert.Equal(state.AdminRotation!.NewKeyId, restored.AdminRotation!.NewKeyId);
        Assert.Equal(state.AdminRotation.SealedNew, restored.AdminRotation.SealedNew);
        Assert.Equal(command.AtMs, restored.AdminRotation.AtMs);
        Assert.Equal(state.SealedAgentSecret, restored.SealedAgentSecret);
        Assert.Equal(bytes, StateSnapshotCodec.Encode(restored));

        // Without an agent secret the tenth section is nil and the eleventh still reads.
        restored.RestoreAgentSecret(null);
        var again = new ClusterState();
        StateSnapshotCodec.Restore(again, StateSnapshotCodec.Encode(restored));
        Assert.Null(again.SealedAgentSecret);
        Assert.Equal(restored.AdminRotation.PreviousKeyId, again.AdminRotation!.PreviousKeyId);

        // A master restarted with the old token file follows its own state (its raft.db carries the new secret sealed under it).
        Assert.Equal(next.Token, new RoleSecrets(old, () => restored.SealedAgentSecret, () => restored.AdminRotation).Admin.Token);
        // A master holding a third secret cannot: it says so and keeps its own.
        var stranger = new RoleSecrets(new ClusterSecret(ClusterSecret.Generate(), "test"), () => null, () => restored.AdminRotation);
        Assert.NotEqual(next.Token, stranger.Admin.Token);
        Assert.Contains("neither the cluster's current one", stranger.AdminProblem);
    }

    [Fact]
    public void ThePreviousSecretOpensOnlyAVotersMasterLinkAndOnlyWithinTheGrace()
    {
        var (state, ca, old) = StateWithCa();
        var clock = new Master.Simulation.SimClock();
        var at = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var roles = new RoleSecrets(old, () => state.SealedAgentSecret, () => state.AdminRotation, clock)
        {
            PreviousGrace = TimeSpan.FromMinutes(5),
            IsMaster = node => node == "2",
        };
        Assert.Null(roles.PreviousAdminFor("2", "master"));
        Assert.True(state.Apply(roles.NewAdminSecret(ca, at).Command));
        Assert.Equal(old.Key, roles.PreviousAdminFor("2", "master"));
        Assert.Null(roles.PreviousAdminFor("3", "master"));
        Assert.Null(roles.PreviousAdminFor("2", "agent"));
        Assert.Null(roles.PreviousAdminFor("2", "framework"));
        clock.Advance(6 * 60_000);
        Assert.Null(roles.PreviousAdminFor("2", "master"));
    }

    private static (ClusterState State, ClusterCaRecord Ca, ClusterSecret Admin) StateWithCa()
    {
        var admin = new ClusterSecret(ClusterSecret.Generate(), "test");
        var ca = ClusterCa.Create("test", admin.Key, DateTimeOffset.UtcNow);
        var state = new ClusterState();
        Assert.True(state.Apply(new SetClusterCa(Now, ca)));
        return (state, ca, admin);
    }
}
