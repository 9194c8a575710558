using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Libc;
using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary>
/// An <see cref="IsolatedTaskLauncher"/> whose init runs as `dotnet minimesos.dll` from the test output (or the published
/// binary named by MINIMESOS_TEST_INIT, <see cref="EndToEnd.TestInit.Published"/>), with task
/// cgroups under a group of its own that is emptied and removed on dispose, even after a failed test.
/// </summary>
public sealed class LauncherFixture : IDisposable
{
    private readonly List<string> _sandboxes = [];

    public LauncherFixture()
        : this(new LaunchOptions().LogCapBytes)
    {
    }

    internal LauncherFixture(long logCapBytes, int warmInits = 1, TimeSpan? warmInitMaxAge = null)
    {
        Assert.True(OperatingSystem.IsLinux(), "isolation tests need Linux");
        Assert.True(Unistd.geteuid() == 0, "isolation tests need root (namespaces, cgroups): run dotnet test as root");
        var dll = EndToEnd.TestInit.Dll;
        Assert.True(File.Exists(dll), $"{dll} missing: the test project must reference MiniMesos.csproj");
        Group = $"minimesos-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
        var init = EndToEnd.TestInit.Published is { } aot ? [aot] : new[] { DotnetHost(), dll };
        Assert.True(File.Exists(init[0]), $"task init {init[0]} missing");
        Launcher = new IsolatedTaskLauncher(new LaunchOptions(InitCommand: init, CgroupGroup: Group, LogCapBytes: logCapBytes,
            WarmInits: warmInits, WarmInitMaxAge: warmInitMaxAge));
    }

    internal IsolatedTaskLauncher Launcher { get; }

    public string Group { get; }

    /// <summary>
    /// Where test sandboxes live: not below /tmp, which every task sees as its own private one (a sandbox there would
    /// be hidden from its task's absolute paths), and traversable by the per-task users as an agent's sandboxes dir is.
    /// </summary>
    internal const string SandboxParent = "/run/minimesos-tests";

    internal string NewSandbox()
    {
        Directory.CreateDirectory(SandboxParent);
        File.SetUnixFileMode(SandboxParent, (UnixFileMode)0b111_001_001);
        var dir = Path.Combine(SandboxParent, "sandbox-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _sandboxes.Add(dir);
        _sandboxes.Add(dir + ".meta");
        return dir;
    }

    /// <summary>How long a test waits for one task to end.</summary>
    internal static readonly TimeSpan TaskTimeout = TimeSpan.FromSeconds(60);

    /// <summary>What the task wrote to stdout, as the agent keeps it in the task's meta dir.</summary>
    internal static string Stdout(LaunchRequest r) => File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stdout"));

    /// <summary>What the task wrote to stderr, as the agent keeps it in the task's meta dir.</summary>
    internal static string Stderr(LaunchRequest r) => File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stderr"));

    /// <summary>Launches the task and waits for it to end: how it ended and its stdout.</summary>
    internal async Task<(TaskExit Exit, string Out)> RunToEndAsync(LaunchRequest r)
    {
        var exit = await (await Launcher.LaunchAsync(r, default)).Exited.WaitAsync(TaskTimeout);
        return (exit, Stdout(r));
    }

    internal LaunchRequest Request(string id, string script, TaskLimits? limits = null, string? user = null, TaskNetwork net = TaskNetwork.Host, uint? uid = null) =>
        new(id, ["/bin/sh", "-c", script], new Dictionary<string, string>(), NewSandbox(), limits ?? new TaskLimits(0, 0), user, net, Uid: uid);

    public void Dispose()
    {
        Launcher.Dispose(); // no waiting init left behind
        var groupDir = Launcher.CgroupGroupDir;
        if (groupDir is not null && Directory.Exists(groupDir))
        {
            foreach (var task in Directory.GetDirectories(groupDir))
            {
                KillAndRemove(task);
            }

            KillAndRemove(groupDir);
        }

        foreach (var dir in _sandboxes)
        {
            try { MiniMesos.Isolation.TaskFiles.RemoveTree(Path.GetDirectoryName(dir)!, Path.GetFileName(dir)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void KillAndRemove(string dir)
    {
        var kill = Path.Combine(dir, "cgroup.kill");
        if (File.Exists(kill))
        {
            File.WriteAllText(kill, "1");
        }

        RemoveCgroup(dir);
    }

    /// <summary>Removes an empty cgroup directory, again while the kernel still counts a dying process in it (EBUSY).</summary>
    internal static void RemoveCgroup(string dir) =>
        Eventually.True(() =>
        {
            try
            {
                Directory.Delete(dir);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true; // removed meanwhile (by the agent)
            }
            catch (IOException)
            {
                return false;
            }
        }, $"cgroup {dir} is removed", TimeSpan.FromSeconds(5), poll: TimeSpan.FromMilliseconds(20));

    private static string DotnetHost()
    {
        var self = Environment.ProcessPath ?? "";
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        Assert.True(host is not null && File.Exists(host), "cannot find the dotnet host to run task init (DOTNET_HOST_PATH unset)");
        return host!;
    }
}
