using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

/// <summary>The bootstrap shortcut: a founder can stand for election before its timeout (§5.2 still decides the vote).</summary>
public sealed class CampaignNowTests
{
    [Fact]
    public void FounderCampaignsAtOnceButANonVoterDoesNot()
    {
        var storage = RaftStorage.InMemory();
        var node = new RaftNode(new RaftOptions { Id = 1, InitialVoters = [1, 2, 3] }, storage, new SeededRaftRandom(1));
        node.Advance(node.GetReady());
        node.CampaignNow();
        var ready = node.GetReady();
        Assert.Equal(RaftRole.PreCandidate, node.Role);
        Assert.Equal(2, ready.Messages.Count(m => m.Kind == MessageKind.PreVote));

        var lone = new RaftNode(new RaftOptions { Id = 9 }, RaftStorage.InMemory(), new SeededRaftRandom(1));
        lone.CampaignNow(); // not a voter in any config: must not campaign
        Assert.Equal(RaftRole.Follower, lone.Role);
    }
}
