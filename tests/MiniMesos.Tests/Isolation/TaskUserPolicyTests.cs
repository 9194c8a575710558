using MiniMesos.Core.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

public sealed class TaskUserPolicyTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n";

    [Fact]
    public void DefaultIsNobodyAndOnlyNobody()
    {
        var policy = TaskUserPolicy.Parse(null);
        Assert.Equal(("nobody", (string?)null), policy.Decide(null, Passwd));
        Assert.Equal(("nobody", (string?)null), policy.Decide("nobody", Passwd));
        var (_, refusal) = policy.Decide("root", Passwd);
        Assert.Equal("user 'root' is not allowed on this agent (allowed: nobody); start the agent with --allowed-users root to allow it", refusal);
    }

    [Fact]
    public void AllowedUsersRunAndUnknownOnesFailByName()
    {
        var policy = TaskUserPolicy.Parse("alice, ghost");
        Assert.Equal(("alice", (string?)null), policy.Decide("alice", Passwd));
        Assert.Equal("unknown user 'ghost' on this agent (not in /etc/passwd)", policy.Decide("ghost", Passwd).Refusal);
        Assert.Contains("allowed: nobody, alice, ghost", policy.Decide("root", Passwd).Refusal);
        Assert.Throws<FormatException>(() => TaskUserPolicy.Parse("a:b"));
    }
}
