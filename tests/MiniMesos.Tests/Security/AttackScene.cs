using MiniMesos.Isolation;
using MiniMesos.Tests.Isolation;

namespace MiniMesos.Tests.Security;

/// <summary>
/// What a hostile task aims at: a root-only directory with a root-only file (what /etc/shadow or a master's Raft log
/// would be), a root-owned world-readable file in a world-listable directory (for hardlinks), and a directory the
/// task must not empty. All under the test sandboxes' parent, never /tmp (each task has its own); removed on dispose.
/// </summary>
internal sealed class AttackScene : IDisposable
{
    public const string Secret = "root secret\n";

    public AttackScene()
    {
        Directory.CreateDirectory(LauncherFixture.SandboxParent);
        Root = Path.Combine(LauncherFixture.SandboxParent, "victim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        Private = Directory.CreateDirectory(Path.Combine(Root, "private")).FullName;
        File.SetUnixFileMode(Private, (UnixFileMode)0b111_000_000);
        PrivateFile = Path.Combine(Private, "shadow");
        File.WriteAllText(PrivateFile, Secret);
        File.SetUnixFileMode(PrivateFile, (UnixFileMode)0b110_000_000);
        PublicFile = Path.Combine(Root, "public");
        File.WriteAllText(PublicFile, Secret);
        File.SetUnixFileMode(PublicFile, (UnixFileMode)0b110_100_100);
        KeepDir = Directory.CreateDirectory(Path.Combine(Root, "keep")).FullName;
        File.WriteAllText(Path.Combine(KeepDir, "precious"), Secret);
    }

    public string Root { get; }

    public string Private { get; }

    public string PrivateFile { get; }

    public string PublicFile { get; }

    public string KeepDir { get; }

    /// <summary>Everything the scene holds is as it was made.</summary>
    public void AssertUntouched()
    {
        Xunit.Assert.Equal(Secret, File.ReadAllText(PrivateFile));
        Xunit.Assert.Equal(Secret, File.ReadAllText(PublicFile));
        Xunit.Assert.Equal(Secret, File.ReadAllText(Path.Combine(KeepDir, "precious")));
        Xunit.Assert.Equal(1u, TaskFiles.Stat(PrivateFile)!.Value.Links);
        Xunit.Assert.Equal(0u, TaskFiles.Stat(PrivateFile)!.Value.Uid);
        Xunit.Assert.Equal(0b110_000_000u, TaskFiles.Stat(PrivateFile)!.Value.Mode & 0xFFF);
    }

    /// <summary>Shell lines that plant a symlink to the private file (and one to the kept directory) at each name.</summary>
    public string PlantLinks(IEnumerable<string> names) =>
        string.Join("; ", names.Select(n => $"rm -rf '{n}'; ln -s '{PrivateFile}' '{n}'")) + $"; ln -s '{KeepDir}' keep-link; ln -s / root-link";

    public void Dispose()
    {
        try { TaskFiles.RemoveTree(LauncherFixture.SandboxParent, Path.GetFileName(Root)); } catch (IOException) { }
    }
}
