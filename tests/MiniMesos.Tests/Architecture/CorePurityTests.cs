using MiniMesos.Core.State;
using MiniMesos.Net.Hosts;
using Xunit;

namespace MiniMesos.Tests.Architecture;

/// <summary>
/// Core is pure (docs/architecture.md): its own project, which cannot see Net/ or Isolation/, and whose build fails on
/// a banned API (Core/BannedSymbols.txt). These tests check the compiled assembly against the same list, so a call
/// the analyzer could miss (generated code, a suppression) still fails.
/// </summary>
public sealed class CorePurityTests
{
    private static readonly string CoreAssembly = typeof(ClusterState).Assembly.Location;
    private static readonly string Banned = Path.Combine(RepoTree.Root, "Core", "BannedSymbols.txt");

    [Fact]
    public void CoreReferencesNeitherNetNorIsolation()
    {
        var core = typeof(ClusterState).Assembly;
        Assert.Equal("MiniMesos.Core", core.GetName().Name);
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name == typeof(MasterHost).Assembly.GetName().Name);
        Assert.DoesNotContain(core.GetTypes(), t => t.Namespace is { } ns && (ns.StartsWith("MiniMesos.Net", StringComparison.Ordinal)
            || ns.StartsWith("MiniMesos.Isolation", StringComparison.Ordinal)));
    }

    [Fact]
    public void CoreUsesNoBannedApi()
    {
        var used = ReferencedSymbols.Of(CoreAssembly);
        // A banned type is named with the members used of it, which says where to look.
        var hits = ReferencedSymbols.BannedIn(Banned).Where(used.Contains)
            .Select(id => id.StartsWith("T:", StringComparison.Ordinal)
                ? id + " [" + string.Join(" ", used.Where(u => u.Length > id.Length && u[2..].StartsWith(id[2..] + ".", StringComparison.Ordinal))) + "]"
                : id)
            .ToList();
        Assert.True(hits.Count == 0, "Core references what Core/BannedSymbols.txt bans: " + string.Join(", ", hits));
    }

    [Fact]
    public void TheBanListCoversIoClockSleepEnvironmentAndConsole()
    {
        var banned = ReferencedSymbols.BannedIn(Banned);
        string[] required =
        [
            "T:System.IO.File", "T:System.IO.Directory", "T:System.Net.Sockets.Socket", "T:System.Diagnostics.Process",
            "P:System.DateTime.UtcNow", "P:System.DateTimeOffset.UtcNow", "T:System.Diagnostics.Stopwatch", "P:System.Environment.TickCount64",
            "M:System.Threading.Thread.Sleep(System.Int32)", "M:System.Threading.Tasks.Task.Delay(System.TimeSpan)",
            "M:System.Environment.GetEnvironmentVariable(System.String)", "T:System.Console",
        ];
        Assert.All(required, id => Assert.Contains(id, banned));
    }

    [Fact]
    public void TheScanFindsWhatTheEdgesUse()
    {
        // The executable does I/O: if the scan did not find it there, an empty result for Core would prove nothing.
        var used = ReferencedSymbols.Of(typeof(MasterHost).Assembly.Location);
        Assert.Contains("T:System.Diagnostics.Process", used);
        Assert.Contains("P:System.DateTimeOffset.UtcNow", used);
        Assert.Contains("M:System.Threading.Tasks.Task.Delay(System.Int32)", used);
        Assert.Contains("M:System.Environment.GetEnvironmentVariable(System.String)", used);
    }
}
