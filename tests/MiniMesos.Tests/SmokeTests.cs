using MiniMesos.Net.Cli;
using Xunit;

namespace MiniMesos.Tests;

[Trait("Category", "Slow")]
public sealed class SmokeTests
{
    [Fact]
    public void VersionIsSemantic() => Assert.Matches(@"^\d+\.\d+\.\d+", BuildInfo.Version);
}
