using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary>
/// A plain-process task (isolation off: no cgroup, no PID namespace) killed with a grace period takes its children with
/// it: a real shell with a background child, killed through <see cref="ProcessTaskLauncher"/>.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ProcessLauncherKillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-plain-kill-").FullName;

    [Fact]
    public async Task AKilledShellTakesItsChildrenWithIt()
    {
        var sandbox = Path.Combine(_dir, "sandbox");
        var request = new LaunchRequest("plain-kill", ["/bin/sh", "-c", "sleep 600 & echo $! > child; sleep 601; true"],
            new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, sandbox, new TaskLimits(0.1, 64L << 20),
            MetaDir: Path.Combine(_dir, "meta"));
        var task = await new ProcessTaskLauncher().LaunchAsync(request, CancellationToken.None);
        var childFile = Path.Combine(sandbox, "child");
        var child = await Eventually.MatchAsync(
            () => Task.FromResult(File.Exists(childFile) && int.TryParse(File.ReadAllText(childFile).Trim(), out var pid) ? pid : 0),
            pid => pid > 0, "the shell's background child to write its pid");
        Assert.True(Alive(child), "the child runs before the kill");
        Assert.NotEmpty(ProcessTree.Descendants(task.Pid));

        await task.KillAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        await task.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => !Alive(child), $"the background child {child} to end with its task", TimeSpan.FromSeconds(10));
    }

    /// <summary>Running, not a zombie waiting for its new parent to reap it.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (File.Exists(Path.Combine(_dir, "sandbox", "child")) && int.TryParse(File.ReadAllText(Path.Combine(_dir, "sandbox", "child")).Trim(), out var pid)
            && Alive(pid))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
        }
        Directory.Delete(_dir, recursive: true);
    }
}
