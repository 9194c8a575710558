using MiniMesos.Net.Cli;
using Xunit;

namespace MiniMesos.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void VersionIsSemantic() => Assert.Matches(@"^\d+\.\d+\.\d+", BuildInfo.Version);
}
