using MiniMesos.Tests.Storage;

namespace MiniMesos.Tests;

/// <summary>
/// The test assembly's own entry point (instead of the one the test SDK generates), so tests can run part of this
/// assembly as a child process they are free to kill: <c>dotnet MiniMesos.Tests.dll &lt;mode&gt; args...</c>.
/// </summary>
internal static class TestEntryPoint
{
    public static int Main(string[] args) => args switch
    {
        [StorageCrashChild.Mode, var dataDir] => StorageCrashChild.Run(dataDir),
        [Tls.SystemRootsChild.Mode, var how] => Tls.SystemRootsChild.Run(how),
        [Cli.ClientOpenSslChild.Mode, var master] => Cli.ClientOpenSslChild.Run(master),
        _ => 0,
    };
}
