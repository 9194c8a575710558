using System.Text;
using MiniMesos.Isolation;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>A task submitted through the API runs in its own namespaces and cgroup on a real agent (needs root).</summary>
public sealed class IsolatedTaskTests
{
    [Fact]
    public async Task TaskSeesItsOwnHostnameAndProcessesOnly()
    {
        Assert.True(Environment.IsPrivilegedProcess, "isolated task tests need root (namespaces, cgroups): run the tests as root");
        var group = $"minimesos-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
        var dll = Path.Combine(AppContext.BaseDirectory, "minimesos.dll");
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var agent = await cluster.StartAgentAsync("isolated", cluster.Secret, "test",
            launch: new LaunchOptions(InitCommand: ["dotnet", dll], CgroupGroup: group));
        var launcher = Assert.IsType<IsolatedTaskLauncher>(agent.Launcher);
        try
        {
            using var client = cluster.Client();
            // PID 1 is our init, the shell its child: a fresh PID namespace shows only the task's own processes.
            var task = await client.SubmitAsync(new TaskSubmitRequest(
                ["/bin/sh", "-c", "hostname; echo pid=$$; ls /proc | grep -c '^[0-9]'; id -un"], null, "iso", 0.5, 64, null), CancellationToken.None);
            var output = new MemoryStream();
            await client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var final = await client.GetTaskAsync(task.Id, CancellationToken.None);
            Assert.True(final.State == "TASK_FINISHED", $"{final.State}: {final.Message}; output: {string.Join(" | ", lines)}");
            Assert.Equal(task.Id[..Math.Min(63, task.Id.Length)], lines[0]);
            // Init's own threads take the first pids of the namespace; on the host pids are far larger.
            Assert.InRange(int.Parse(lines[1]["pid=".Length..]), 2, 100);
            Assert.Equal("4", lines[2]); // init, sh, ls and grep: nothing of the host
            Assert.Equal("nobody", lines[3]);
        }
        finally
        {
            if (launcher.CgroupGroupDir is { } dir && Directory.Exists(dir))
            {
                foreach (var child in Directory.GetDirectories(dir)) Directory.Delete(child);
                Directory.Delete(dir);
            }
        }
    }
}
