using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

public sealed class ConstraintTests
{
    private static Placement At(string host, string rack = "r1") => new(host, host, new Dictionary<string, string> { ["rack"] = rack });

    private static Constraint C(params string[] parts)
    {
        var errors = new List<ValidationError>();
        var c = Constraint.Parse(parts, "c", errors);
        Assert.Empty(errors);
        return c!;
    }

    [Fact]
    public void UniqueRejectsAValueAlreadyUsed()
    {
        var unique = C("hostname", "UNIQUE");
        Assert.Null(unique.Check(At("h1"), [At("h2")]));
        Assert.Equal("UNIQUE hostname: hostname=h2 already runs an instance", unique.Check(At("h2"), [At("h2")]));
    }

    [Fact]
    public void ClusterPinsToTheValueOrToTheFirstInstance()
    {
        Assert.Null(C("rack", "CLUSTER", "r1").Check(At("h1", "r1"), []));
        Assert.Contains("rack=r2 is not r1", C("rack", "CLUSTER", "r1").Check(At("h1", "r2"), []));
        var free = C("rack", "CLUSTER");
        Assert.Null(free.Check(At("h1", "r9"), []));
        Assert.NotNull(free.Check(At("h1", "r9"), [At("h2", "r3")]));
    }

    [Fact]
    public void LikeAndUnlikeMatchTheWholeValue()
    {
        Assert.Null(C("rack", "LIKE", "r[12]").Check(At("h", "r1"), []));
        Assert.NotNull(C("rack", "LIKE", "r[12]").Check(At("h", "r12"), [])); // anchored: no partial match
        Assert.NotNull(C("rack", "UNLIKE", "r1").Check(At("h", "r1"), []));
        Assert.Null(C("rack", "UNLIKE", "r1").Check(At("h", "r11"), []));
    }

    [Fact]
    public void MaxPerCountsInstancesPerValue()
    {
        var max = C("rack", "MAX_PER", "2");
        Assert.Null(max.Check(At("h1"), [At("h2")]));
        Assert.Equal("MAX_PER rack:2: rack=r1 already runs 2 instances", max.Check(At("h1"), [At("h2"), At("h3")]));
    }

    [Fact]
    public void GroupBySpreadsEvenly()
    {
        var group = C("rack", "GROUP_BY", "2");
        Assert.Null(group.Check(At("a", "r1"), []));
        // r1 has one, r2 none yet: with 2 groups expected, r1 must wait for r2.
        Assert.NotNull(group.Check(At("b", "r1"), [At("a", "r1")]));
        Assert.Null(group.Check(At("b", "r2"), [At("a", "r1")]));
        Assert.Null(group.Check(At("c", "r1"), [At("a", "r1"), At("b", "r2")]));
    }

    [Fact]
    public void MissingAttributeIsNamed() =>
        Assert.Equal("UNIQUE zone: agent h1 has no attribute 'zone'", C("zone", "UNIQUE").Check(At("h1"), []));

    [Fact]
    public void HostilePatternGetsTheSameAnswerInLinearTime()
    {
        // Catastrophic for a backtracking engine; every replica must still answer, and answer alike.
        var value = new string('a', 50_000) + "b";
        Assert.Equal($"LIKE rack:(a+)+: rack={value} does not match", C("rack", "LIKE", "(a+)+").Check(At("h1", value), []));
    }

    [Theory]
    [InlineData(new[] { "hostname", "UNIQ" }, "c[1]: unknown operator 'UNIQ' (expected one of UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER)")]
    [InlineData(new[] { "hostname" }, "c: expected [field, operator] or [field, operator, value]")]
    [InlineData(new[] { "rack", "MAX_PER", "zero" }, "c[2]: MAX_PER needs a positive integer value")]
    [InlineData(new[] { "rack", "LIKE" }, "c: LIKE needs a regular expression value")]
    [InlineData(new[] { "rack", "LIKE", "r[" }, "c[2]: invalid regular expression")]
    [InlineData(new[] { "rack", "LIKE", @"(r)\1" }, "c[2]: invalid regular expression")]
    [InlineData(new[] { "rack", "UNLIKE", "(?=r)r1" }, "c[2]: invalid regular expression")]
    [InlineData(new[] { "", "UNIQUE" }, "c[0]: field must not be empty")]
    public void ParseErrorsNameThePath(string[] parts, string expected)
    {
        var errors = new List<ValidationError>();
        Assert.Null(Constraint.Parse(parts, "c", errors));
        Assert.StartsWith(expected, errors[0].ToString());
    }
}
