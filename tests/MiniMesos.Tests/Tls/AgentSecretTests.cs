using System.Security.Cryptography;
using System.Text;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>The agent secret: derived from the admin secret until rotated, then sealed in the replicated state.</summary>
public sealed class AgentSecretTests
{
    private static readonly byte[] Admin = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void TheDerivedSecretIsStableOneWayAndMarkedAsAnAgentSecret()
    {
        var derived = AgentSecret.Derive(Admin);
        Assert.Equal(derived, AgentSecret.Derive(Admin));
        Assert.NotEqual(derived, AgentSecret.Derive(RandomNumberGenerator.GetBytes(32)));
        Assert.StartsWith(AgentSecret.Prefix, derived);
        Assert.True(new ClusterSecret(derived, "test").IsAgent);
        Assert.Null(ClusterSecret.Validate(derived));
        // A bare admin secret (the README's recipe) is the admin token, as before.
        var bare = new ClusterSecret(Convert.ToBase64String(Admin), "test");
        Assert.False(bare.IsAgent);
        Assert.Equal("admin", bare.HandshakeKey);
    }

    [Fact]
    public void ARotatedSecretIsReplicatedSealedAndSurvivesASnapshot()
    {
        var roles = new RoleSecrets(new ClusterSecret(Convert.ToBase64String(Admin), "test"), () => null);
        var (secret, sealedSecret) = roles.NewAgentSecret();
        Assert.True(sealedSecret.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0);
        var command = Assert.IsType<SetAgentSecret>(CommandCodec.Decode(CommandCodec.Encode(new SetAgentSecret(5, sealedSecret))));
        Assert.Equal(FeatureGate.RoleTokens, command.RequiredLevel);

        var state = new ClusterState();
        Assert.True(state.Apply(command));
        var restored = new ClusterState();
        StateSnapshotCodec.Restore(restored, StateSnapshotCodec.Encode(state));
        Assert.Equal(sealedSecret, restored.SealedAgentSecret);

        // Before the rotation the derived secret; after it the sealed one; the old one is no agent token any more.
        var admin = new ClusterSecret(Convert.ToBase64String(Admin), "test");
        byte[]? current = null;
        var live = new RoleSecrets(admin, () => current);
        var derived = live.AgentToken!;
        Assert.True(live.IsAgentToken(derived));
        current = restored.SealedAgentSecret;
        Assert.Equal(secret, live.AgentToken);
        Assert.False(live.IsAgentToken(derived));
        Assert.True(live.IsAgentToken(secret));

        // Another admin secret cannot unseal it: such a master accepts no agent token and says why.
        var stranger = new RoleSecrets(new ClusterSecret(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "test"), () => current);
        Assert.Null(stranger.AgentToken);
        Assert.Contains("not the one it was sealed under", stranger.Problem);
        Assert.Null(stranger.SecretFor("agent"));
    }
}
